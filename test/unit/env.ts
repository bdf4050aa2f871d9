/**
 * Unit tests import handlers directly, and handlers read their configuration at load, as on Lambda.
 * This gives every function's variables a value from the manifest, with names instead of real resources;
 * the SDK is mocked (aws-sdk-client-mock), so nothing is called.
 */
import { awsName, functionEnvironment, loadManifest } from '../../scripts/manifest';

const fake = (reference: string) => {
  const [kind, name] = reference.split(':');
  if (kind === 'queue') return `https://sqs.us-east-1.amazonaws.com/000000000000/darkroom-${name}`;
  if (kind === 'userpool_domain') return `https://darkroom-${name}.auth.us-east-1.amazoncognito.com/oauth2/token`;
  if (kind === 'userpool') return 'us-east-1_TestPool1';
  if (kind === 'var') return `${name}@darkroom.test`;
  if (kind === 'websocket') return `https://${name}0api.execute-api.us-east-1.amazonaws.com/live`;
  return awsName(name!);
};

for (const fn of loadManifest().functions) Object.assign(process.env, functionEnvironment(fn, fake));
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  USER_POOL_ID: 'us-east-1_TestPool1',
  USER_POOL_CLIENT_ID: 'testclientid',
  IDENTITY_POOL_ID: 'us-east-1:00000000-0000-0000-0000-000000000000',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_DEV: 'true',
});
