import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The datasets table and the document client that reaches it. The DynamoDB helpers (queries, batches,
 * transactions) are the runtime layer's.
 */
export interface DatasetsTable {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export type ItemKey = { pk: string; sk: string };
