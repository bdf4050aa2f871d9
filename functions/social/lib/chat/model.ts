/** A chat message of an event. `id` sorts by time (see {@link messageId}). */
export interface Message { id: string; sender: string; message: string; sent_at: string }

/**
 * A message id that sorts by time: 9 base-36 digits of epoch ms, then 8 random hex digits.
 * @param now - epoch ms
 */
export function messageId(now: number, random: string): string {
  return `${now.toString(36).padStart(9, '0')}${random.slice(0, 8)}`;
}
