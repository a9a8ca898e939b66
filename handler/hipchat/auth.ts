/**
 * HipChat authentication: where clients put their token, and which tokens may act on which rooms.
 * Tokens are compared as SHA-256 digests with `timingSafeEqual` over the whole list, so neither the
 * token's content nor its position in the list shows in the response time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { first, type ProxyRequest } from "../alb";
import { forbidden, unauthorized } from "../errors";
import { roomKey, type AllowedToken, type Room } from "../settings";
import type { BodyFields } from "./body";

/** The body field some clients (v1 form posts, a few v2 senders) carry their token in. */
export const BODY_TOKEN_FIELD = "auth_token";

/**
 * The token a client sent outside the body: `Authorization: Bearer`, then `?auth_token=`. Returns
 * undefined when there is none (the caller may then look in the body, see {@link bodyToken}).
 */
export function requestToken(req: ProxyRequest): string | undefined {
  const auth = first(req.headers, "authorization");
  const bearer = auth?.match(/^\s*Bearer\s+(\S+)\s*$/i)?.[1];
  return nonBlank(bearer) ?? nonBlank(first(req.query, BODY_TOKEN_FIELD));
}

/** The token in a body's `auth_token` field, if it holds one. */
export function bodyToken(fields: BodyFields): string | undefined {
  return nonBlank(fields[BODY_TOKEN_FIELD]);
}

function nonBlank(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

interface Grant {
  digest: Buffer;
  rooms?: ReadonlySet<string>;
}

/** The allowed tokens, prepared once per secret version. */
export class TokenAuthority {
  private readonly grants: readonly Grant[];

  constructor(tokens: readonly AllowedToken[]) {
    this.grants = tokens.map((t) => ({ digest: digest(t.token), rooms: t.rooms }));
  }

  /** Returns the token's grant, or throws 401. Every grant is compared, whatever matches. */
  authenticate(token: string | undefined): Grant {
    if (token === undefined) {
      throw unauthorized("Authenticated requests only. Send an auth_token or a Bearer token.");
    }
    const d = digest(token);
    let match: Grant | undefined;
    for (const grant of this.grants) {
      if (timingSafeEqual(grant.digest, d) && match === undefined) match = grant;
    }
    if (!match) throw unauthorized("Invalid auth token");
    return match;
  }
}

/** Throws 403 when a room-scoped token (like HipChat's room notification tokens) names another room. */
export function authorizeRoom(grant: Grant, room: Room | { requested: string }): void {
  if (!grant.rooms) return;
  const keys = "requested" in room ? [roomKey(room.requested)] : roomKeys(room);
  if (!keys.some((k) => grant.rooms!.has(k))) {
    throw forbidden("This token may not post to this room");
  }
}

/** Everything a token's room list may name a room by: its id, its name and its configuration key. */
function roomKeys(room: Room): string[] {
  const keys = [String(room.id), roomKey(room.name)];
  if (room.key !== undefined) keys.push(roomKey(room.key));
  return keys;
}

/** Room-scoped tokens are for room calls only (HipChat's notification tokens could not message users). */
export function authorizeUnscoped(grant: Grant, what: string): void {
  if (grant.rooms) throw forbidden(`This token is limited to rooms and may not ${what}`);
}

/** Whether a grant may see a room in listings. */
export function canSeeRoom(grant: Grant, room: Room): boolean {
  return !grant.rooms || roomKeys(room).some((k) => grant.rooms!.has(k));
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

export type { Grant };
