/** A user's social profile; `id` is their Cognito `sub`. */
export interface Profile {
  id: string;
  username: string;
  email: string;
  /** IANA zone: the default of the user's recurring events. */
  time_zone: string;
  created_at: string;
  location?: Location;
}

/** A last known position, WGS 84 degrees. */
export interface Location { latitude: number; longitude: number; updated_at: string }

/** A pending friend request `from` -> `to`. */
export interface FriendRequest { from: string; to: string; created_at: string }
