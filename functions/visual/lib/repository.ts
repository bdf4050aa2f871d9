import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionFailed, queryAll, rethrowWriteError, transactWrite, updateExpression } from '@darkroom/runtime';
import { fileSk, jobPk, LIMITS, type FileRecord, type FileStatus, type Finding, type JobRecord, type JobStatus } from './model';

/**
 * True for DynamoDB's "a condition did not hold" errors, plain or inside a cancelled transaction.
 * @throws ServiceUnavailable (503) for a throttle or a conflicting transaction
 */
export const isConditionFailure = (error: unknown): boolean => conditionFailed(error);

const ttl = (now = Date.now()) => Math.floor(now / 1000) + LIMITS.retentionDays * 24 * 3600;

/**
 * The visual table: one partition per job (`JOB#<jobID>`) holding the job item and one item per file, so
 * a job and its files are read with one Query. Every change that must hold with another is conditional
 * or transactional: a file is added with the job's counter in one transaction, a code try is counted
 * before it is compared, a file finishes once.
 */
export class VisualRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** @returns the job item, or undefined */
  async getJob(jobID: string): Promise<JobRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: jobPk(jobID), sk: 'JOB' }, ConsistentRead: true }));
    return Item as JobRecord | undefined;
  }

  /** @returns the file item, or undefined */
  async getFile(jobID: string, fileIdx: number): Promise<FileRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: jobPk(jobID), sk: fileSk(fileIdx) }, ConsistentRead: true }));
    return Item as FileRecord | undefined;
  }

  /** @returns the job and its files in fileIdx order, or undefined when there is no such job */
  async getJobWithFiles(jobID: string): Promise<{ job: JobRecord; files: FileRecord[] } | undefined> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': jobPk(jobID) }, ConsistentRead: true,
    });
    const job = items.find((item) => item.sk === 'JOB') as JobRecord | undefined;
    if (!job) return undefined;
    return { job, files: (items.filter((item) => String(item.sk).startsWith('FILE#')) as unknown as FileRecord[]).sort((a, b) => a.fileIdx - b.fileIdx) };
  }

  /** Creates a job with its first file in one transaction. */
  async createJob(job: Omit<JobRecord, 'pk' | 'sk' | 'expires_at'>, file: Omit<FileRecord, 'pk' | 'sk' | 'expires_at'>): Promise<void> {
    const expires = ttl();
    await transactWrite(this.doc, {
      job: { Put: { TableName: this.tableName, Item: { ...job, pk: jobPk(job.jobID), sk: 'JOB', expires_at: expires }, ConditionExpression: 'attribute_not_exists(pk)' } },
      file: { Put: { TableName: this.tableName, Item: { ...file, pk: jobPk(job.jobID), sk: fileSk(file.fileIdx), expires_at: expires }, ConditionExpression: 'attribute_not_exists(pk)' } },
    }).catch(rethrowWriteError);
  }

  /** Removes a job and its first `fileCount` file items (a job whose creation could not be completed). */
  async deleteJob(jobID: string, fileCount: number): Promise<void> {
    const keys = [{ pk: jobPk(jobID), sk: 'JOB' }, ...Array.from({ length: fileCount }, (_, i) => ({ pk: jobPk(jobID), sk: fileSk(i) }))];
    await transactWrite(this.doc, keys.map((Key) => [Key.sk, { Delete: { TableName: this.tableName, Key } }] as const)).catch(rethrowWriteError);
  }

  /**
   * Adds file number `job.file_count` to a job, if the job still has that many files, is still `created`
   * and still has this e-mail address (optimistic concurrency: a concurrent add makes this one fail).
   * @returns false when the job changed meanwhile (the caller reads it again and retries)
   */
  async addFile(job: JobRecord, file: Omit<FileRecord, 'pk' | 'sk' | 'expires_at'>): Promise<boolean> {
    try {
      await transactWrite(this.doc, {
        job: {
          Update: {
            TableName: this.tableName, Key: { pk: job.pk, sk: 'JOB' },
            UpdateExpression: 'SET file_count = :next',
            ConditionExpression: 'file_count = :count AND #status = :created AND email = :email',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':next': job.file_count + 1, ':count': job.file_count, ':created': 'created', ':email': job.email },
          },
        },
        file: { Put: { TableName: this.tableName, Item: { ...file, pk: job.pk, sk: fileSk(file.fileIdx), expires_at: job.expires_at }, ConditionExpression: 'attribute_not_exists(pk)' } },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Counts one verification try before the code is compared, so parallel guesses cannot exceed the limit.
   * @returns the job after the count, or undefined when the tries are used up (the job is locked)
   */
  async countCodeAttempt(jobID: string): Promise<JobRecord | undefined> {
    try {
      const { Attributes } = await this.doc.send(new UpdateCommand({
        TableName: this.tableName, Key: { pk: jobPk(jobID), sk: 'JOB' },
        UpdateExpression: 'ADD code_attempts :one',
        ConditionExpression: 'attribute_exists(pk) AND code_attempts < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': LIMITS.codeAttempts },
        ReturnValues: 'ALL_NEW',
      }));
      return Attributes as JobRecord;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Marks the job's address verified, if the code verified is still the job's current one. @returns false when it changed meanwhile */
  async markVerified(jobID: string, codeHash: string): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tableName, Key: { pk: jobPk(jobID), sk: 'JOB' },
        UpdateExpression: 'SET verified = :true REMOVE code_hash, code_expires_at',
        ConditionExpression: 'code_hash = :hash',
        ExpressionAttributeValues: { ':true': true, ':hash': codeHash },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Gives the job a new address and code, unverified, with the tries reset, if it has fewer than
   * LIMITS.emailChanges changes and has not finished.
   * @returns false when the limit is reached or the job finished
   */
  async changeEmail(jobID: string, email: string, codeHash: string, codeExpiresAt: number): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tableName, Key: { pk: jobPk(jobID), sk: 'JOB' },
        UpdateExpression: 'SET email = :email, code_hash = :hash, code_expires_at = :expires, code_attempts = :zero, verified = :false ADD email_changes :one',
        ConditionExpression: 'attribute_exists(pk) AND email_changes < :max AND NOT #status IN (:done, :failed)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':email': email, ':hash': codeHash, ':expires': codeExpiresAt, ':zero': 0, ':false': false, ':one': 1,
          ':max': LIMITS.emailChanges, ':done': 'done', ':failed': 'failed',
        },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Moves the job from `from` to `to` (e.g. created -> submitted). @returns false when it was not in `from` */
  async transition(jobID: string, from: JobStatus, to: JobStatus, fields: Record<string, unknown> = {}): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tableName, Key: { pk: jobPk(jobID), sk: 'JOB' }, ConditionExpression: '#status = :from',
        ...updateExpression({ set: { ...fields, status: to }, names: { '#status': 'status' }, values: { ':from': from } }),
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Sets fields of a file (status, etag, size, ...), which must exist. */
  async updateFile(jobID: string, fileIdx: number, fields: Partial<Pick<FileRecord, 'status' | 'etag' | 'size' | 'failure_reason'>>): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.tableName, Key: { pk: jobPk(jobID), sk: fileSk(fileIdx) }, ConditionExpression: 'attribute_exists(pk)',
      ...updateExpression({ set: fields }),
    })).catch(rethrowWriteError);
  }

  /** Marks every listed file queued (after uploadDone checked them), with the object's ETag and size. */
  async markQueued(jobID: string, files: Array<{ fileIdx: number; etag?: string; size?: number }>): Promise<void> {
    for (const file of files) await this.updateFile(jobID, file.fileIdx, { status: 'queued', etag: file.etag, size: file.size });
  }

  /**
   * Records a file's outcome. The first time a file finishes, the job's finished counter moves in the same
   * transaction (condition: the file was not finished), so a redelivered or repeated message never counts
   * a file twice; re-analysing a finished file only replaces its result.
   * @returns the job after the update, and whether this call finished the file for the first time
   */
  async finishFile(jobID: string, fileIdx: number, previous: FileStatus, outcome: {
    status: 'done' | 'failed'; findings?: Finding[]; annotated_key?: string; failure_reason?: string; etag?: string; size?: number;
  }): Promise<{ job: JobRecord | undefined; first: boolean }> {
    const fields = { ...outcome, analysed_at: new Date().toISOString() };
    const remove = outcome.status === 'done' ? ['failure_reason'] : ['findings', 'annotated_key'];
    const fileKey = { TableName: this.tableName, Key: { pk: jobPk(jobID), sk: fileSk(fileIdx) } };
    const finishedBefore = previous === 'done' || previous === 'failed';
    if (finishedBefore) {
      await this.doc.send(new UpdateCommand({ ...fileKey, ConditionExpression: 'attribute_exists(pk)', ...updateExpression({ set: fields, remove }) })).catch(rethrowWriteError);
      return { job: await this.getJob(jobID), first: false };
    }
    try {
      await transactWrite(this.doc, {
        file: {
          Update: {
            ...fileKey, ConditionExpression: '#status = :previous',
            ...updateExpression({ set: fields, remove, names: { '#status': 'status' }, values: { ':previous': previous } }),
          },
        },
        job: {
          Update: {
            TableName: this.tableName, Key: { pk: jobPk(jobID), sk: 'JOB' },
            UpdateExpression: 'ADD files_finished :one, files_failed :failed',
            ExpressionAttributeValues: { ':one': 1, ':failed': outcome.status === 'failed' ? 1 : 0 },
          },
        },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Another delivery finished the file meanwhile: record this result over it, without counting again.
      const current = await this.getFile(jobID, fileIdx);
      return this.finishFile(jobID, fileIdx, current?.status === 'failed' ? 'failed' : 'done', outcome);
    }
    return { job: await this.getJob(jobID), first: true };
  }

  /** Claims the one results mail of a job. @returns false when it was already sent */
  async claimResultsMail(jobID: string, email: string): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tableName, Key: { pk: jobPk(jobID), sk: 'JOB' },
        UpdateExpression: 'SET results_mailed_to = :email',
        ConditionExpression: 'attribute_not_exists(results_mailed_to)',
        ExpressionAttributeValues: { ':email': email },
      }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Releases a claimed results mail whose sending failed, so a retry sends it. */
  async releaseResultsMail(jobID: string): Promise<void> {
    await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: { pk: jobPk(jobID), sk: 'JOB' }, UpdateExpression: 'REMOVE results_mailed_to' }));
  }

  /**
   * Records an analysis message that can never be processed (unknown job or file, malformed body), for
   * operators: `pk` = `REJECTED#<UTC date>`, kept 14 days.
   */
  async recordRejected(messageId: string, reason: string, body: string): Promise<void> {
    const now = new Date();
    await this.doc.send(new PutCommand({
      TableName: this.tableName,
      Item: {
        pk: `REJECTED#${now.toISOString().slice(0, 10)}`, sk: `${now.toISOString()}#${messageId}`,
        reason, body: body.slice(0, 2048), expires_at: Math.floor(now.getTime() / 1000) + 14 * 24 * 3600,
      },
    }));
  }
}
