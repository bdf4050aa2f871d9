import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError, encodeCursor, queryPage } from '@darkroom/runtime';
import { eventKey, keys, LISTS, SocialTable, strip, type Page } from '../table';
import type { Message } from './model';

/** The messages of each event's chat. */
export interface ChatRepository {
  putMessage(eventId: string, message: Message): Promise<void>;
  /**
   * Newest first, after the cursor's position, or strictly older than `before` (a message id) when given.
   * @throws DomainError 400 for a cursor of another list
   */
  listMessages(eventId: string, limit: number, page: { cursor?: string; before?: string }): Promise<Page<Message>>;
}

/** {@link ChatRepository} on the social table. */
export class DynamoChatRepository extends SocialTable implements ChatRepository {
  putMessage(eventId: string, message: Message) {
    return this.guarded(() => this.doc.send(new PutCommand({
      TableName: this.table, Item: { ...keys.message(eventId, message.id), ...message }, ConditionExpression: 'attribute_not_exists(pk)',
    })), () => new DomainError(409, 'Message id already taken: send it again'));
  }

  async listMessages(eventId: string, limit: number, page: { cursor?: string; before?: string }) {
    const scope = LISTS.messages(eventId);
    // `before` (a message id) resumes strictly after that message's key, as a cursor of this list would.
    const cursor = page.cursor || (page.before ? encodeCursor(scope, keys.message(eventId, page.before)) : undefined);
    const found = await queryPage(this.doc, {
      TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :first)',
      ExpressionAttributeValues: { ':pk': eventKey(eventId), ':first': 'MSG#' }, ScanIndexForward: false, ConsistentRead: true,
    }, { scope, limit, cursor });
    return { items: found.items.map((item) => strip<Message>(item)), next_cursor: found.next_cursor };
  }
}
