import { badRequest, decodeCursor, encodeCursor, mapLimit, type CursorScope } from '@darkroom/runtime';
import { existingData, listData, type DataPageToken } from './data';
import type { DatasetsDeps } from './deps';
import { LIST_DATA_PAGE } from './limits';
import { keyOwnerOf, type ProjectRecord, type TypeMethod } from './model';
import { groupsOf, listProjects, requireProject, requireProjectByName, updateProject, type Owner, type ProjectChanges } from './projects';
import { listRunningTasks } from './tasks';

/**
 * `/projects/list`: the caller's projects, newest first, with seed 003's DynamoDB-typed values.
 * @returns `{items: [{project_name: {S}, project_id: {S}, s3_prefix: {S}}]}`
 */
export async function listProjectsTyped(deps: DatasetsDeps, owner: Owner) {
  const projects = await listProjects(deps.table, owner);
  return { items: projects.map((p) => ({ project_name: { S: p.project_name }, project_id: { S: p.project_id }, s3_prefix: { S: p.s3_prefix } })) };
}

const runningOf = async (deps: DatasetsDeps, project: ProjectRecord) =>
  (await listRunningTasks(deps.table, project.project_id)).map(({ task_id, project_id }) => ({ task_id, project_id }));

/**
 * `/projects/list_info`: every project with its running tasks and group counters, newest first.
 * @returns `[{project_name, project_id, s3_prefix, ls_task: [{task_id, project_id}], groups: {ORIGINAL?: {count, size}, ...}}]`
 */
export async function listProjectsInfo(deps: DatasetsDeps, owner: Owner) {
  const projects = await listProjects(deps.table, owner);
  return mapLimit(projects, 8, async (project) => ({
    project_name: project.project_name,
    project_id: project.project_id,
    s3_prefix: project.s3_prefix,
    ls_task: await runningOf(deps, project),
    groups: groupsOf(project),
  }));
}

/**
 * `/projects/info {project_name | project_id}`: one project's details; `groups` is null while it holds no data.
 * @throws 404 for a name or id the caller has no project of; 400 when neither is given, or both and they
 *   name different projects
 */
export async function projectInfo(deps: DatasetsDeps, owner: Owner, which: { project_name?: string; project_id?: string }) {
  if (which.project_id === undefined && which.project_name === undefined) throw badRequest('give project_name or project_id');
  const project = which.project_id !== undefined
    ? await requireProject(deps.table, owner, which.project_id)
    : await requireProjectByName(deps.table, owner, which.project_name!);
  if (which.project_name !== undefined && which.project_name !== project.project_name) {
    throw badRequest(`project_name does not match project ${project.project_id}`);
  }
  const groups = groupsOf(project, true);
  return {
    identity_id: keyOwnerOf(project, owner.sub),
    project_name: project.project_name,
    project_id: project.project_id,
    description: project.description,
    is_sample: project.is_sample,
    times_generated: project.times_generated,
    ls_task: (await runningOf(deps, project)).map((task) => task.task_id),
    groups: Object.keys(groups).length ? groups : null,
  };
}

/**
 * `/projects/update_info`: rename and/or describe a project.
 * @returns `{project_id, s3_prefix, is_sample, gen_status, project_name, description}`
 * @throws 404 for an unknown current name; 409 when the new name is taken
 */
export async function updateProjectInfo(deps: DatasetsDeps, owner: Owner, currentName: string, changes: ProjectChanges) {
  const project = await updateProject(deps.table, owner, currentName, changes);
  const running = await listRunningTasks(deps.table, project.project_id);
  return {
    project_id: project.project_id,
    s3_prefix: project.s3_prefix,
    is_sample: project.is_sample,
    gen_status: running.some((task) => task.kind === 'generation') ? 'GENERATING' : 'FINISH',
    project_name: project.project_name,
    description: project.description,
  };
}

/** Input of {@link listProjectData}, as seed 003 names it. */
export interface ListDataInput {
  project_id: string;
  type_method: TypeMethod;
  num_limit?: number;
  next_token?: '' | DataPageToken | null;
  /** The signed `next_cursor` of the previous page (Darkroom's cursor convention); it wins over `next_token`. */
  cursor?: string;
}

/** A group of one project of one user: the scope of its cursors. */
const dataScope = (owner: Owner, projectId: string, type: TypeMethod): CursorScope => ({ list: 'datasets.list_data', partition: `${owner.sub}/${projectId}/${type}` });

/**
 * `/projects/list_data`: one page of a group, in filename order. Pages are asked for with seed 003's
 * readable `next_token` or with the signed `cursor`; each answer carries both.
 * @returns `{items: [{filename, s3_key, gen_id, classtype}], next_token: {filename, project_id} | null, next_cursor: string | null}`
 *   (`s3_key` with the bucket name, as seed 003 shows it)
 * @throws 404 for a project that is not the caller's; 400 for a next_token of another project or a
 *   cursor of another group, project or user
 */
export async function listProjectData(deps: DatasetsDeps, owner: Owner, input: ListDataInput) {
  const scope = dataScope(owner, input.project_id, input.type_method);
  const position = decodeCursor(scope, input.cursor);
  const token = position ? { filename: String(position.filename), project_id: input.project_id } : input.next_token || undefined;
  if (token && token.project_id !== input.project_id) throw badRequest('next_token belongs to another project');
  const project = await requireProject(deps.table, owner, input.project_id);
  const page = await listData(deps.table, project.project_id, input.type_method, input.num_limit ?? LIST_DATA_PAGE.default, token);
  return {
    items: page.items.map((item) => ({ filename: item.filename, s3_key: `${deps.bucket}/${item.key}`, gen_id: item.gen_id, classtype: item.classtype, size: item.size })),
    next_token: page.next_token,
    next_cursor: page.next_token ? encodeCursor(scope, { filename: page.next_token.filename }) : null,
  };
}

/**
 * `/projects/upload_check {project_id, ls_filename}`: which names already exist among the project's
 * originals, with their stored sizes, DynamoDB-typed as seed 003 shows.
 * @returns `[{filename: {S}, size: {N}}]`
 */
export async function checkUploadNames(deps: DatasetsDeps, owner: Owner, projectId: string, names: string[], type: TypeMethod = 'ORIGINAL') {
  const project = await requireProject(deps.table, owner, projectId);
  const existing = await existingData(deps.table, project.project_id, type, names);
  return existing.map(({ filename, size }) => ({ filename: { S: filename }, size: { N: String(size) } }));
}
