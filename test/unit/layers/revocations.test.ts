/** The JWT layer's revocation rule and its DynamoDB store (a logout ends sessions, not whole seconds of logins). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { isRevoked, sessionIdOf } from '@darkroom/jwt';
import { dynamoRevocationStore } from '@darkroom/runtime';

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('isRevoked', () => {
  const logout = { before: 1_000, admitted: ['s-after'] };
  it.each([
    ['no logout', { authTime: 900, sessionId: 's-1' }, undefined, false],
    ['a session begun in an earlier second', { authTime: 999, sessionId: 's-1' }, logout, true],
    ['a session begun in the logout second, before it (not admitted)', { authTime: 1_000, sessionId: 's-before' }, logout, true],
    ['a session a login admitted in the logout second, after it', { authTime: 1_000, sessionId: 's-after' }, logout, false],
    ['a token naming no session, begun in the logout second (the safe side)', { authTime: 1_000 }, logout, true],
    ['a session begun in a later second', { authTime: 1_001, sessionId: 's-new' }, logout, false],
    ['a token naming no session, begun in a later second', { authTime: 1_001 }, logout, false],
  ])('%s', (_, token, revocation, refused) => {
    expect(isRevoked(token, revocation)).toBe(refused);
  });

  it('takes the session from origin_jti, else event_id', () => {
    expect(sessionIdOf({ origin_jti: 'o', event_id: 'e' })).toBe('o');
    expect(sessionIdOf({ event_id: 'e' })).toBe('e');
    expect(sessionIdOf({ jti: 'j' })).toBeUndefined();
  });
});

describe('dynamoRevocationStore', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const store = dynamoRevocationStore(dynamo as unknown as DynamoDBDocumentClient, 'auth');
  beforeEach(() => dynamo.reset());

  it('replaces an older logout with this one, nothing admitted yet', async () => {
    dynamo.on(PutCommand).resolves({});
    await store.revoke('sub-1', { at: 2_000 });
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      Item: { pk: 'USER#sub-1', sk: 'REVOKED', revoked_before: 2_000, admitted: [], expires_at: 2_000 + 86_400 },
      ConditionExpression: 'attribute_not_exists(revoked_before) OR revoked_before < :at',
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('ends the sessions admitted since, on a second logout within the same second', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(UpdateCommand).resolves({});
    await store.revoke('sub-1', { at: 2_000 });
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'USER#sub-1', sk: 'REVOKED' }, UpdateExpression: 'SET admitted = :none', ExpressionAttributeValues: { ':none': [] },
    });
  });

  it('admits a session only when the logout fell in the second it began, and says nothing otherwise', async () => {
    dynamo.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    await store.admit('sub-1', { authTime: 2_000, sessionId: 's-2' });
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'USER#sub-1', sk: 'REVOKED' },
      UpdateExpression: 'SET admitted = list_append(if_not_exists(admitted, :none), :session)',
      ConditionExpression: 'revoked_before = :authTime',
      ExpressionAttributeValues: { ':none': [], ':session': ['s-2'], ':authTime': 2_000 },
    });
    await expect(store.admit('sub-1', { authTime: 2_005, sessionId: 's-3' })).resolves.toBeUndefined();
    await store.admit('sub-1', { authTime: 2_005 });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('reads the revocation, and none once it expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    dynamo.on(GetCommand).resolvesOnce({ Item: { revoked_before: now, admitted: ['s-1'], expires_at: now + 60 } })
      .resolvesOnce({ Item: { revoked_before: now - 90_000, expires_at: now - 10 } })
      .resolvesOnce({});
    expect(await store.revocation('sub-1')).toEqual({ before: now, admitted: ['s-1'] });
    expect(await store.revocation('sub-1')).toBeUndefined();
    expect(await store.revocation('sub-1')).toBeUndefined();
  });
});
