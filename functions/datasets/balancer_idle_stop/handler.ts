import { loadConfig, scheduleHandler } from '@darkroom/runtime';
import { stopIdleWorkers } from '../lib/balancer';
import { balancerDeps } from '../lib/balancer-deps';

const deps = balancerDeps();
const { idleMinutes } = loadConfig({ idleMinutes: 'IDLE_STOP_AFTER_MINUTES' });

/** Scheduled (EventBridge rule; a timer locally): stops worker instances idle for longer than IDLE_STOP_AFTER_MINUTES. */
export const handler = scheduleHandler().handler(async () => stopIdleWorkers(deps, Number(idleMinutes)));
