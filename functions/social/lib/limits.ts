/** Every cap of the social service, in one place. */
export const LIMITS = {
  /** Friends per page of `GET /user/{id}/friends`: default and maximum. */
  friendsPage: 100,
  /** Pending requests per page of `GET /user/{id}/friend_requests`: default and maximum. */
  requestsPage: 100,
  /** Events per page of `GET /user/{id}/events`: default and maximum (each event is one more read). */
  eventsPage: 50,
  /** Invitations per `POST /event/{id}/people` call (a DynamoDB transaction holds 100 writes). */
  invitesPerCall: 50,
  /** Members per event, owner included. */
  membersPerEvent: 100,
  /** Chat message length, characters (1-2,000). */
  messageLength: 2000,
  /** Messages per page of `GET /chat/{eventId}/messages`: default and maximum. */
  messagesPage: { default: 50, max: 100 },
  /** Default free-slot window when `to` is not given: 7 days. */
  defaultRangeDays: 7,
  /** Default shortest free slot, minutes. */
  defaultMinDuration: 30,
  /** Locations are shared from this long before an event's start until its end, ms. */
  locationLeadMs: 3_600_000,
} as const;
