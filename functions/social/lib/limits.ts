/** Every cap of the social service, in one place. */
export const LIMITS = {
  /** Friends per page of `GET /user/{id}/friends` (the issue: paginated past 100). */
  friendsPage: 100,
  /** Invitations per `POST /event/{id}/people` call (a DynamoDB transaction holds 100 writes). */
  invitesPerCall: 50,
  /** Members per event, owner included. */
  membersPerEvent: 100,
  /** Chat message length, characters (the issue: 1-2,000). */
  messageLength: 2000,
  /** Messages per page of `GET /chat/{eventId}/messages`: default and maximum. */
  messagesPage: { default: 50, max: 100 },
  /** Default free-slot window when `to` is not given: 7 days. */
  defaultRangeDays: 7,
  /** Default shortest free slot, minutes (the issue). */
  defaultMinDuration: 30,
  /** Locations are shared from this long before an event's start until its end (Jarvis's rule), ms. */
  locationLeadMs: 3_600_000,
} as const;
