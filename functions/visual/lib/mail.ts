import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { LIMITS, type FileRecord, type JobRecord } from './model';

/** What sending mail needs: SES and the verified sender identity (manifest `var:mail_from`). */
export interface MailDeps { ses: SESv2Client; mailFrom: string }

async function send(deps: MailDeps, to: string, subject: string, text: string): Promise<string | undefined> {
  const { MessageId } = await deps.ses.send(new SendEmailCommand({
    FromEmailAddress: deps.mailFrom,
    Destination: { ToAddresses: [to] },
    Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: text } } } },
  }));
  return MessageId;
}

/** The verification mail: the 6-digit code, its lifetime and what it is for. @returns the SES message id */
export function sendCodeMail(deps: MailDeps, to: string, jobID: string, code: string): Promise<string | undefined> {
  return send(deps, to, `Your Darkroom visual testing code: ${code}`, [
    'Hello,',
    '',
    `Your verification code for visual testing job ${jobID} is ${code}.`,
    `It expires in ${LIMITS.codeTtlSeconds / 60} minutes. Once you confirm it, we e-mail you the results when the job is done.`,
    '',
    'If you did not submit this job, ignore this message.',
    '',
    'The Darkroom team',
  ].join('\n'));
}

/**
 * The results mail: a summary of the job and one line per file with its findings and, for images, a link
 * to the annotated copy (`links[fileIdx]`, presigned).
 * @returns the SES message id
 */
export function sendResultsMail(deps: MailDeps, job: JobRecord, files: FileRecord[], links: Record<number, string>): Promise<string | undefined> {
  const withFindings = files.filter((f) => (f.findings?.length ?? 0) > 0).length;
  const failed = files.filter((f) => f.status === 'failed').length;
  const lines = files.map((file) => {
    const categories = [...new Set((file.findings ?? []).map((f) => f.category))];
    const outcome = file.status === 'failed' ? `could not be analysed: ${file.failure_reason ?? 'unknown reason'}`
      : categories.length ? `${file.findings!.length} finding(s): ${categories.join(', ')}` : 'no display issue found';
    return `- #${file.fileIdx} ${file.fileName} (${file.kind}): ${outcome}${links[file.fileIdx] ? `\n  annotated: ${links[file.fileIdx]}` : ''}`;
  });
  return send(deps, job.email!, `Darkroom visual testing job ${job.jobID} is ${job.status}`, [
    'Hello,',
    '',
    `Visual testing job ${job.jobID} analysed ${files.length} file(s): ${withFindings} with findings, ${failed} not analysable.`,
    '',
    ...lines,
    '',
    `GET /visual/job/${job.jobID} gives the full results (regions, scores, times).`,
    '',
    'The Darkroom team',
  ].join('\n'));
}
