import { CopyObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { imageContentTypeOf } from '@darkroom/media';
import { mapLimit, metrics, MetricUnit } from '@darkroom/runtime';
import { registerData } from './data';
import type { DatasetsDeps } from './deps';
import { S3_CONCURRENCY } from './limits';
import { keyOwnerOf, objectKey } from './model';
import { createProject, type Owner } from './projects';
import { discardProject } from './removal';

/** The name every sample project gets (it takes a name claim like any project). */
export const SAMPLE_PROJECT_NAME = 'sample_project';

/** One object of the samples bucket. Sizes in bytes; `etag` is the MD5 of a single-part upload. */
interface SampleObject { key: string; size: number; etag: string }

async function listSamples(deps: DatasetsDeps & { samplesBucket: string }): Promise<SampleObject[]> {
  const samples: SampleObject[] = [];
  let token: string | undefined;
  do {
    const page = await deps.s3.send(new ListObjectsV2Command({ Bucket: deps.samplesBucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (!object.Key || !imageContentTypeOf(object.Key)) continue;
      samples.push({ key: object.Key, size: object.Size ?? 0, etag: (object.ETag ?? '').replace(/"/g, '') });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return samples;
}

/**
 * `/projects/create_sample`: a project (`prj_sample_<hex>`, named {@link SAMPLE_PROJECT_NAME}) filled
 * with the bundled sample images: each copied with CopyObject from the samples bucket and registered as
 * ORIGINAL data with its size and hash (the object's MD5, its ETag). One per user. When a copy fails,
 * the project is removed again with whatever was copied.
 * @returns `{project_id, s3_prefix}`
 * @throws 409 when the user already has a sample project (or a project named `sample_project`)
 */
export async function createSampleProject(deps: DatasetsDeps & { samplesBucket: string }, owner: Owner, identityId: string, description?: string) {
  const samples = await listSamples(deps);
  const project = await createProject(deps.table, owner, {
    projectName: SAMPLE_PROJECT_NAME, description: description ?? 'Sample dataset', bucket: deps.bucket, isSample: true, identityId,
  });
  try {
    const objects = await mapLimit(samples, S3_CONCURRENCY, async (sample) => {
      const filename = sample.key.split('/').pop()!;
      const key = objectKey(keyOwnerOf(project), project.project_id, 'ORIGINAL', filename);
      await deps.s3.send(new CopyObjectCommand({
        Bucket: deps.bucket, Key: key, CopySource: `${deps.samplesBucket}/${sample.key.split('/').map(encodeURIComponent).join('/')}`,
      }));
      return { filename, key, size: sample.size, hash: sample.etag, is_ori: true, gen_id: '', classtype: null };
    });
    await registerData(deps.table, { owner, projectId: project.project_id }, 'ORIGINAL', objects);
  } catch (error) {
    await discardProject(deps, owner, project);
    throw error;
  }
  metrics.addMetric('SampleProjectsCreated', MetricUnit.Count, 1);
  return { project_id: project.project_id, s3_prefix: project.s3_prefix };
}
