/**
 * The room bodies HipChat returned, as a client reads them: "Get room" (v2) and a v1 room, every
 * field at the value the proxy synthesizes for a configured room. Shared by the suites that check
 * them through the handler (tests/handler/rooms.test.ts) and built directly (roomShapes).
 */

/** HipChat's "Get room" for a configured room; `host` is the proxy's hostname (the XMPP domain). */
export function v2RoomBody(id: number, name: string, slug: string, host: string, base = `https://${host}`) {
  const self = `${base}/v2/room/${id}`;
  return {
    id,
    name,
    privacy: "public",
    is_archived: false,
    is_guest_accessible: false,
    guest_access_url: null,
    topic: "",
    xmpp_jid: `${id}_${slug}@conf.${host}`,
    created: "1970-01-01T00:00:00+00:00",
    last_active: null,
    version: "1",
    avatar_url: null,
    delegate_admin_visibility: null,
    owner: { id: 0, name: "HipChat proxy", mention_name: "HipChatProxy", links: { self: `${base}/v2/user/0` } },
    participants: [],
    statistics: { links: { self: `${self}/statistics` } },
    links: { self, participants: `${self}/participant`, webhooks: `${self}/webhook`, members: `${self}/member` },
  };
}

/** One room of `/v1/rooms/list` for a configured room. */
export function v1RoomBody(id: number, name: string, slug: string, host: string) {
  return {
    room_id: id,
    name,
    topic: "",
    last_active: 0,
    created: 0,
    owner_user_id: 0,
    is_archived: false,
    is_private: false,
    guest_access_url: null,
    xmpp_jid: `${id}_${slug}@conf.${host}`,
  };
}
