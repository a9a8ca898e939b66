/**
 * Ansible's `community.general.hipchat` module (Python; Debian's `ansible` 7.7.0 package, which
 * bundles community.general 6.6.x), run as an ad-hoc `ansible localhost -m …` task against
 * `npm start`. Only the module's `api` (base URL) and `token` differ from a HipChat set-up.
 *
 * What the module sends (urllib through ansible.module_utils.urls.fetch_url):
 * - `api` without "/v2" (v1): POST {api}/rooms/message?auth_token=…, application/x-www-form-urlencoded
 *   (room_id, from (cut to 15 characters), message, message_format, color, notify=0|1, and `api`
 *   itself as a field); success only on 200.
 * - `api` containing "/v2": POST {api}/room/{room}/notification, `Authorization: Bearer …`,
 *   application/json (message, color, message_format, notify; no `from`); success on 200 or 204.
 * It reads only the status code; no room lookup, no response header.
 *
 * Install: apt-get install ansible (or ansible-core plus the community.general collection).
 */
import {
  BAD_TOKEN,
  deliveredBodies,
  lastJsonLine,
  type Rig,
  requireCommand,
  resetSlack,
  run,
  startRig,
  stopRig,
  TOKEN,
} from "./rig";

const INSTALL = "apt-get install -y ansible";

interface TaskResult {
  changed?: boolean;
  failed?: boolean;
  msg?: string;
  room?: string;
}

let rig: Rig;
let ansible: string;

beforeAll(async () => {
  ansible = requireCommand("ansible", INSTALL);
  rig = await startRig();
}, 60_000);
afterAll(() => stopRig(rig));
beforeEach(() => resetSlack(rig));

/** One ad-hoc task, its result read from Ansible's json stdout callback. */
async function hipchatTask(args: Record<string, string>): Promise<TaskResult> {
  const result = await run(
    ansible,
    ["localhost", "-c", "local", "-m", "community.general.hipchat", "-a", JSON.stringify(args)],
    {
      ANSIBLE_LOAD_CALLBACK_PLUGINS: "true",
      ANSIBLE_STDOUT_CALLBACK: "json",
      ANSIBLE_LOCALHOST_WARNING: "false",
      ANSIBLE_INVENTORY_UNPARSED_WARNING: "false",
      ANSIBLE_PYTHON_INTERPRETER: "/usr/bin/python3",
      ANSIBLE_NOCOLOR: "true",
    },
    120_000,
  );
  let parsed: { plays: { tasks: { hosts: { localhost: TaskResult } }[] }[] };
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    // Not the json callback's output: fall back to the last line, which fails with the output shown.
    return lastJsonLine<TaskResult>(result);
  }
  return parsed.plays[0].tasks[0].hosts.localhost;
}

describe("ansible community.general.hipchat (Debian ansible): calls the proxy serves today", () => {
  it("v1 (default API): form post with the token in the query → changed, exact Slack payload", async () => {
    const task = await hipchatTask({
      api: `${rig.proxy.url}/v1`,
      token: TOKEN,
      room: "1234",
      msg: "Deploy <b>ok</b> & done",
      msg_from: "ansible-deployer-with-a-long-name",
      color: "red",
    });
    expect(task).toMatchObject({ changed: true, room: "1234" });
    expect(task.failed).toBeUndefined();
    // msg_format defaults to text, so the HTML shows literally; `from` is cut to 15 characters.
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#deploys",
        text: "",
        mrkdwn: "true",
        username: "ansible-deploye",
        attachments: [
          {
            color: "danger",
            text: "Deploy &lt;b&gt;ok&lt;/b&gt; &amp; done",
            fallback: "Deploy &lt;b&gt;ok&lt;/b&gt; &amp; done",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ]);
  });

  it("v2: JSON with a Bearer header to a room name with a space (api ending in /) → changed", async () => {
    const task = await hipchatTask({
      api: `${rig.proxy.url}/v2/`,
      token: TOKEN,
      room: "Build Room",
      msg: "Build <i>#9</i> green",
      msg_format: "html",
      color: "green",
    });
    expect(task).toMatchObject({ changed: true, room: "Build Room" });
    expect(task.failed).toBeUndefined();
    // The v2 call carries no `from`, so Slack posts under the app's own name.
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#builds",
        text: "",
        mrkdwn: "true",
        attachments: [{ color: "good", text: "Build _#9_ green", fallback: "Build #9 green", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it("v2 with the default color (yellow) and notify=false", async () => {
    const task = await hipchatTask({
      api: `${rig.proxy.url}/v2`,
      token: TOKEN,
      room: "Ops",
      msg: "quiet note",
      notify: "false",
    });
    expect(task).toMatchObject({ changed: true });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#ops",
        text: "",
        mrkdwn: "true",
        attachments: [{ color: "warning", text: "quiet note", fallback: "quiet note", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it.each(["v1", "v2"])(
    "%s with a bad token fails the task with status 401; nothing reaches Slack",
    async (version) => {
      const task = await hipchatTask({ api: `${rig.proxy.url}/${version}`, token: BAD_TOKEN, room: "Ops", msg: "x" });
      expect(task).toMatchObject({ failed: true, msg: "failed to send message, return status=401" });
      expect(rig.slack.calls).toHaveLength(0);
    },
  );
});
