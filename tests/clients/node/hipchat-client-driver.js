// A legacy Node app using the npm package hipchat-client exactly as its README shows, pointed at the
// proxy: only the host (the library's `host` property) and the token differ from a HipChat set-up.
//
//   node hipchat-client-driver.js '{"host": "http://127.0.0.1:…", "token": "…", "steps": [
//     {"call": "getByName", "name": "Ops"}, {"call": "message", "opts": {"room_id": "$found", …}}]}'
//
// Steps run in order and the first error stops the app. `"$found"` as a room_id stands for the
// room_id of the room the last lookup (show or getByName) found. Prints one JSON line of results.
// One client per process: hipchat-client keeps its resources on the prototype, shared by instances.
const HipChatClient = require("hipchat-client");

const spec = JSON.parse(process.argv[2]);
const hipchat = new HipChatClient(spec.token);
hipchat.host = spec.host;

const results = [];
let found;

function call(step) {
  return new Promise((resolve) => {
    const rooms = hipchat.api.rooms;
    const opts = { ...(step.opts || {}) };
    if (opts.room_id === "$found") opts.room_id = found;
    const done = (err, res) =>
      resolve(err ? { call: step.call, ok: false, error: err.message } : { call: step.call, ok: true, result: res });
    if (step.call === "getByName") rooms.getByName(step.name, {}, done);
    else rooms[step.call](opts, done);
  });
}

(async () => {
  for (const step of spec.steps) {
    const result = await call(step);
    results.push(result);
    if (!result.ok) break;
    if (result.result && result.result.room && result.result.room.room_id !== undefined)
      found = result.result.room.room_id;
  }
  console.log(JSON.stringify(results));
})();
