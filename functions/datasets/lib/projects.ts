import { randomBytes } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailed, conflict, DomainError, notFound, queryAll, transactWrite } from '@darkroom/runtime';
import {
  countAttribute, dataNumberAttribute, nameClaimKey, projectKey, s3Prefix, sampleClaimKey, sizeAttribute, TYPE_METHODS, userKey,
  type NameClaim, type ProjectRecord, type TypeMethod,
} from './model';
import type { DatasetsTable } from './table';

/** The caller's side of every project operation: whose project (the user pool sub keys the table). */
export interface Owner { sub: string }

/** 404 for a project that does not exist or is not the caller's (the two are indistinguishable on purpose). */
export const projectNotFound = () => notFound('Project not found');
/** 409 while `/projects/delete` is removing the project. */
export const projectDeleting = () => conflict('The project is being deleted');

/** `<project_name>_<32 hex>`, as seed 003 makes project ids. */
export const newProjectId = (prefix: string): string => `${prefix}_${randomBytes(16).toString('hex')}`;

/** Options of {@link createProject}. */
export interface NewProject {
  projectName: string;
  description?: string;
  /** The datasets bucket, for `s3_prefix`. */
  bucket: string;
  /** Sample projects also take the user's one sample claim and get a `prj_sample_<hex>` id. */
  isSample?: boolean;
  /** The caller's identity-pool id: the project's objects live under `<bucket>/<identityId>/<project_id>/`, where its temporary credentials may write. */
  identityId: string;
}

/**
 * Creates a project with its name claim (and, for a sample, the user's sample claim) in one
 * transaction with `attribute_not_exists` conditions, so two concurrent creates of one name cannot
 * both win (DESIGN.md §4).
 * @returns the new project
 * @throws 409 when the user already has a project of that name, or already has a sample project
 */
export async function createProject(table: DatasetsTable, owner: Owner, input: NewProject): Promise<ProjectRecord> {
  const projectId = newProjectId(input.isSample ? 'prj_sample' : input.projectName);
  const now = new Date().toISOString();
  const project: ProjectRecord = {
    ...projectKey(owner.sub, projectId),
    identity_id: input.identityId,
    project_id: projectId,
    project_name: input.projectName,
    description: input.description ?? '',
    s3_prefix: s3Prefix(input.bucket, input.identityId, projectId),
    is_sample: Boolean(input.isSample),
    times_generated: 0,
    data_version: 0,
    created_at: now,
    updated_at: now,
  };
  const claim: NameClaim = { ...nameClaimKey(owner.sub, input.projectName), project_id: projectId };
  const absent = 'attribute_not_exists(pk)';
  try {
    await transactWrite(table.doc, {
      name: { Put: { TableName: table.tableName, Item: claim, ConditionExpression: absent } },
      project: { Put: { TableName: table.tableName, Item: project, ConditionExpression: absent } },
      sample: input.isSample && { Put: { TableName: table.tableName, Item: { ...sampleClaimKey(owner.sub), project_id: projectId }, ConditionExpression: absent } },
    });
  } catch (error) {
    if (conditionFailed(error, 'name')) throw conflict(`A project named "${input.projectName}" already exists`);
    if (conditionFailed(error, 'sample')) throw conflict('You already have a sample project');
    throw error;
  }
  return project;
}

/** @returns the caller's project, or undefined when it does not exist or belongs to someone else */
export async function findProject(table: DatasetsTable, owner: Owner, projectId: string): Promise<ProjectRecord | undefined> {
  const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: projectKey(owner.sub, projectId), ConsistentRead: true }));
  return Item as ProjectRecord | undefined;
}

/**
 * The caller's project, ready for a change.
 * @throws 404 when it is unknown or another user's; 409 while it is being deleted
 */
export async function requireProject(table: DatasetsTable, owner: Owner, projectId: string): Promise<ProjectRecord> {
  const project = await findProject(table, owner, projectId);
  if (!project) throw projectNotFound();
  if (project.deleting) throw projectDeleting();
  return project;
}

/**
 * The caller's project of that name (through its name claim).
 * @throws 404 when the caller has no project of that name
 */
export async function requireProjectByName(table: DatasetsTable, owner: Owner, projectName: string): Promise<ProjectRecord> {
  const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: nameClaimKey(owner.sub, projectName), ConsistentRead: true }));
  const project = Item ? await findProject(table, owner, (Item as NameClaim).project_id) : undefined;
  if (!project) throw notFound(`Project "${projectName}" not found`);
  return project;
}

/** Every project of the caller, newest first. */
export async function listProjects(table: DatasetsTable, owner: Owner): Promise<ProjectRecord[]> {
  const projects = await queryAll<ProjectRecord>(table.doc, {
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': userKey(owner.sub), ':prefix': 'PROJECT#' },
  });
  return projects.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.project_id.localeCompare(a.project_id));
}

/** One group's counters as seed 003 shows them. Sizes in bytes. */
export interface GroupSummary { count: number; size: number; data_number?: number[] | null }

/**
 * The project's groups that hold data, e.g. `{ORIGINAL: {count, size}}`; `{}` when it has none.
 * @param withDataNumber - add `data_number` (`[train, val, test]`, null until split), as `/projects/info` does
 */
export function groupsOf(project: ProjectRecord, withDataNumber = false): Partial<Record<TypeMethod, GroupSummary>> {
  const groups: Partial<Record<TypeMethod, GroupSummary>> = {};
  for (const type of TYPE_METHODS) {
    const count = Number(project[countAttribute(type)] ?? 0);
    if (count <= 0) continue;
    groups[type] = { count, size: Number(project[sizeAttribute(type)] ?? 0) };
    if (withDataNumber) groups[type]!.data_number = (project[dataNumberAttribute(type)] as number[] | undefined) ?? null;
  }
  return groups;
}

/** Changes of {@link updateProject}; `undefined` or `""` leaves a field as it is (seed 003). */
export interface ProjectChanges { newProjectName?: string; newDescription?: string }

/**
 * Renames a project and/or changes its description. A rename releases the old name claim and takes the
 * new one in the same transaction as the project update, so names stay unique under concurrency.
 * @returns the updated project
 * @throws 404 for an unknown name; 409 when the new name is taken or the project is being deleted
 */
export async function updateProject(table: DatasetsTable, owner: Owner, currentName: string, changes: ProjectChanges): Promise<ProjectRecord> {
  const project = await requireProjectByName(table, owner, currentName);
  if (project.deleting) throw projectDeleting();
  const name = changes.newProjectName || project.project_name;
  const description = changes.newDescription || project.description;
  const now = new Date().toISOString();
  const update = {
    TableName: table.tableName,
    Key: projectKey(owner.sub, project.project_id),
    UpdateExpression: 'SET project_name = :name, description = :description, updated_at = :now',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleting) AND project_name = :current',
    ExpressionAttributeValues: { ':name': name, ':description': description, ':now': now, ':current': project.project_name },
  };
  if (name === project.project_name) {
    try {
      await table.doc.send(new UpdateCommand(update));
    } catch (error) {
      if (conditionFailed(error)) throw conflict('The project changed meanwhile; try again');
      throw error;
    }
  } else {
    try {
      await transactWrite(table.doc, {
        newName: { Put: { TableName: table.tableName, Item: { ...nameClaimKey(owner.sub, name), project_id: project.project_id }, ConditionExpression: 'attribute_not_exists(pk)' } },
        oldName: {
          Delete: {
            TableName: table.tableName, Key: nameClaimKey(owner.sub, project.project_name),
            ConditionExpression: 'project_id = :id', ExpressionAttributeValues: { ':id': project.project_id },
          },
        },
        project: { Update: update },
      });
    } catch (error) {
      if (conditionFailed(error, 'newName')) throw conflict(`A project named "${name}" already exists`);
      if (conditionFailed(error)) throw conflict('The project changed meanwhile; try again');
      throw error;
    }
  }
  return { ...project, project_name: name, description, updated_at: now };
}

/**
 * Sets or clears the project's `deleting` mark (set: conditionally on the project existing).
 * @throws 404 when setting the mark of a project that is gone
 */
export async function markDeleting(table: DatasetsTable, owner: Owner, projectId: string, deleting: boolean): Promise<void> {
  try {
    await table.doc.send(new UpdateCommand({
      TableName: table.tableName,
      Key: projectKey(owner.sub, projectId),
      ...(deleting
        ? { UpdateExpression: 'SET deleting = :true', ExpressionAttributeValues: { ':true': true }, ConditionExpression: 'attribute_exists(pk)' }
        : { UpdateExpression: 'REMOVE deleting', ConditionExpression: 'attribute_exists(pk)' }),
    }));
  } catch (error) {
    if (conditionFailed(error)) {
      if (deleting) throw projectNotFound();
      return;
    }
    throw error;
  }
}

/** A DomainError when `error` says the project's condition failed in a registration or task transaction. */
export function projectConditionError(project: ProjectRecord | undefined): DomainError {
  return project?.deleting ? projectDeleting() : projectNotFound();
}
