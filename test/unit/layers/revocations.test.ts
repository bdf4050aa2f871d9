/** The JWT layer's revocation rule and its DynamoDB store (revoke by session, not by whole seconds). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamoRevocationStore, isRevoked, sessionIdOf } from '@darkroom/jwt';

describe('isRevoked', () => {
  const logout = { before: 1_000, sessions: ['s-out'] };
  it.each([
    ['no logout', { authTime: 900, sessionId: 's-1' }, undefined, false],
    ['a session begun in an earlier second', { authTime: 999, sessionId: 's-1' }, logout, true],
    ['the logged-out session, begun in the logout second', { authTime: 1_000, sessionId: 's-out' }, logout, true],
    ['the logged-out session, however refreshed', { authTime: 1_000, sessionId: 's-out' }, logout, true],
    ['a new session begun in the logout second', { authTime: 1_000, sessionId: 's-new' }, logout, false],
    ['a session begun after the logout', { authTime: 1_001, sessionId: 's-new' }, logout, false],
    ['a token naming no session, begun in the logout second (the safe side)', { authTime: 1_000 }, logout, true],
    ['a token naming no session, begun after', { authTime: 1_001 }, logout, false],
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

  it('replaces an older logout with this one, its session listed', async () => {
    dynamo.on(PutCommand).resolves({});
    await store.revoke('sub-1', { at: 2_000, session: 's-1' });
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      Item: { pk: 'USER#sub-1', sk: 'REVOKED', revoked_before: 2_000, sessions: ['s-1'], expires_at: 2_000 + 86_400 },
      ConditionExpression: 'attribute_not_exists(revoked_before) OR revoked_before < :at',
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('adds a second logout of the same second to that second\'s sessions', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    dynamo.on(UpdateCommand).resolves({});
    await store.revoke('sub-1', { at: 2_000, session: 's-2' });
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'USER#sub-1', sk: 'REVOKED' },
      UpdateExpression: 'SET sessions = list_append(if_not_exists(sessions, :none), :sessions)',
      ExpressionAttributeValues: { ':none': [], ':sessions': ['s-2'] },
    });
  });

  it('reads the revocation, and none once it expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    dynamo.on(GetCommand).resolvesOnce({ Item: { revoked_before: now, sessions: ['s-1'], expires_at: now + 60 } })
      .resolvesOnce({ Item: { revoked_before: now - 90_000, expires_at: now - 10 } })
      .resolvesOnce({});
    expect(await store.revocation('sub-1')).toEqual({ before: now, sessions: ['s-1'] });
    expect(await store.revocation('sub-1')).toBeUndefined();
    expect(await store.revocation('sub-1')).toBeUndefined();
  });
});
