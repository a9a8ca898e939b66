import { toSlackPayload, withFromPrefix } from "../../../handler/convert";
import type { SlackPayload } from "../../../handler/convert";
import { corpus } from "./corpus";
import { payloadProblems } from "./invariants";

const OPTS = { translateMentions: true, mentionUsers: { ann: "U0ANN" }, random: () => 0 };

/**
 * Exact Slack payloads for the corpus, reviewed by hand. A change here is a visible change in
 * what people read in Slack, so update it deliberately.
 */
const EXPECTED: Record<string, SlackPayload> = {
  "jenkins-build-failed": {
    text: "",
    mrkdwn: true,
    username: "Jenkins",
    attachments: [
      {
        color: "danger",
        text: "*api-master #142* FAILED after 3 min 12 sec (<https://ci.example.com/job/api-master/142/|Open>)\nChanges: _Fix login redirect_ by ann\n<https://ci.example.com/job/api-master/142/console>",
        fallback:
          "api-master #142 FAILED after 3 min 12 sec (Open)\nChanges: Fix login redirect by ann\nhttps://ci.example.com/job/api-master/142/console",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "jenkins-back-to-normal": {
    text: "",
    mrkdwn: true,
    username: "Jenkins",
    attachments: [
      {
        color: "good",
        text: "*api-master #143* Back to normal after 2 min 40 sec (<https://ci.example.com/job/api-master/143/|Open>)",
        fallback: "api-master #143 Back to normal after 2 min 40 sec (Open)",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "bamboo-text-failed": {
    text: "<!here> <@U0ANN>",
    mrkdwn: true,
    username: "Bamboo",
    attachments: [
      {
        color: "danger",
        text: ":x: API › Master › #77 failed: 3 of 812 tests failed. <!here> <@U0ANN> please look\n<https://bamboo.example.com/browse/API-MASTER-77>",
        fallback:
          ":x: API › Master › #77 failed: 3 of 812 tests failed. <!here> <@U0ANN> please look\nhttps://bamboo.example.com/browse/API-MASTER-77",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "travis-passed": {
    text: "",
    mrkdwn: true,
    username: "Travis CI",
    attachments: [
      {
        color: "good",
        text: "acme/web#381 (master - 9f2c1ab : Bob) *passed*: <https://travis.example.com/acme/web/builds/381?utm_source=hipchat&amp;utm_medium=notification|Details> | <https://github.com/acme/web/compare/1a2b3c4...9f2c1ab|Changes>",
        fallback: "acme/web#381 (master - 9f2c1ab : Bob) passed: Details | Changes",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "nagios-service-critical": {
    text: "",
    mrkdwn: true,
    username: "Nagios",
    attachments: [
      {
        color: "danger",
        text: "*PROBLEM* Service Alert: web01/HTTP is *CRITICAL*\n\nHost: | web01 (10.0.3.21)\nService: | HTTP\nState: | *CRITICAL* for 0d 0h 4m\nInfo: | HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - 1234 bytes in 0.012 second response time\n\n<https://nagios.example.com/cgi-bin/extinfo.cgi?type=2&amp;host=web01&amp;service=HTTP|View in Nagios>",
        fallback:
          "PROBLEM Service Alert: web01/HTTP is CRITICAL\n\nHost: | web01 (10.0.3.21)\nService: | HTTP\nState: | CRITICAL for 0d 0h 4m\nInfo: | HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - 1234 bytes in 0.012 second response time\n\nView in Nagios",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "nagios-host-recovery": {
    text: "",
    mrkdwn: true,
    username: "Nagios",
    attachments: [
      {
        color: "good",
        text: "RECOVERY: db02 is UP (PING OK - Packet loss = 0%, RTA = 0.41 ms) :white_check_mark:",
        fallback: "RECOVERY: db02 is UP (PING OK - Packet loss = 0%, RTA = 0.41 ms) :white_check_mark:",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "zabbix-problem-table": {
    text: "",
    mrkdwn: true,
    username: "Zabbix",
    attachments: [
      {
        color: "warning",
        text: "*Problem:* Free disk space is less than 10% on volume /var\n\n*Host* | *Severity* | *Value*\ndb02 | *High* | 4.2 %\n\nEvent <https://zabbix.example.com/tr_events.php?triggerid=13551&amp;eventid=998877|#998877> started at 2024.03.05 14:02:11",
        fallback:
          "Problem: Free disk space is less than 10% on volume /var\n\nHost | Severity | Value\ndb02 | High | 4.2 %\n\nEvent #998877 started at 2024.03.05 14:02:11",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "deploy-started-capistrano": {
    text: "",
    mrkdwn: true,
    username: "Capistrano",
    attachments: [
      {
        color: "#8E44AD",
        text: "*ann* is deploying *api* (branch `release/2.4`) to *production*.",
        fallback: "ann is deploying api (branch release/2.4) to production.",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "deploy-finished-with-commits": {
    text: "",
    mrkdwn: true,
    username: "Deploybot",
    attachments: [
      {
        color: "good",
        text: "Deployed <https://github.com/acme/api/compare/1a2b3c4...4d5e6f7|acme/api 1a2b3c4…4d5e6f7> to *production*:\n\n• `4d5e6f7` Fix login redirect (_ann_)\n• `3c4d5e6` Bump lodash &amp; axios (_bob_)\n• `2b3c4d5` Handle &lt;empty&gt; cart",
        fallback:
          "Deployed acme/api 1a2b3c4…4d5e6f7 to production:\n\n• 4d5e6f7 Fix login redirect (ann)\n• 3c4d5e6 Bump lodash &amp; axios (bob)\n• 2b3c4d5 Handle &lt;empty&gt; cart",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "deploy-text-announce": {
    text: "<!channel> heads up: maintenance window tonight 22:00-23:00 UTC, see <https://status.example.com> :coffee:",
    mrkdwn: true,
    username: "ops",
  },
  "sentry-error-with-trace": {
    text: "",
    mrkdwn: true,
    username: "Sentry",
    attachments: [
      {
        color: "danger",
        text: "*[api] TypeError: Cannot read properties of undefined (reading 'id')*\n<https://sentry.example.com/acme/api/issues/4242/|View on Sentry>\n\n```\n  at getUser (src/users.ts:42:17)\n  at handler (src/routes.ts:88:5)\n```",
        fallback:
          "[api] TypeError: Cannot read properties of undefined (reading 'id')\nView on Sentry\n\n  at getUser (src/users.ts:42:17)\n  at handler (src/routes.ts:88:5)",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "jira-card": {
    text: "",
    mrkdwn: true,
    username: "JIRA",
    attachments: [
      {
        color: "warning",
        title: "API-311: Login redirect loses &lt;next&gt; parameter",
        title_link: "https://jira.example.com/browse/API-311",
        text: "After SSO the *next* query parameter is dropped &amp; users land on /home.",
        fields: [
          {
            title: "Status",
            value: "In Review",
            short: true,
          },
          {
            title: "Assignee",
            value: "<https://jira.example.com/secure/ViewProfile.jspa?name=ann|Ann Lee>",
            short: true,
          },
          {
            title: "Priority",
            value: "Major",
            short: true,
          },
        ],
        thumb_url: "https://jira.example.com/secure/useravatar?avatarId=10341",
        footer: "ann moved API-311 to In Review",
        fallback: "ann moved API-311 to In Review",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "bitbucket-pr-card-no-color": {
    text: "",
    mrkdwn: true,
    attachments: [
      {
        title: "Add dark mode toggle",
        title_link: "https://bitbucket.example.com/acme/web/pull-requests/58",
        text: "feature/dark-mode → master · 4 commits · 12 files",
        fallback: "PR #58 opened by bob",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "injection-attempts-text": {
    text: "Deploy by &lt;!channel&gt; &lt;@U024BE7LH&gt; &lt;#C024BE7LR|general&gt; &lt;<https://evil.example.com>|<https://bank.example.com>&gt; &amp;lt;!here&amp;gt;",
    mrkdwn: true,
    username: "‹!channel›",
  },
  "injection-attempts-html": {
    text: "",
    mrkdwn: true,
    attachments: [
      {
        color: "danger",
        text: "&lt;!channel&gt; click <https://ok.example.com/?q=%3C!everyone%3E%7Cx|ok> &lt;@U1&gt; @all",
        fallback: "&lt;!channel&gt; click ok &lt;@U1&gt; @all",
        mrkdwn_in: ["text"],
      },
    ],
  },
  "cron-plain-multiline": {
    text: "backup-db finished in 412s\n  dumped: 14 tables\n  size: 2.3 GB\n\n:+1:",
    mrkdwn: true,
  },
};

describe("corpus", () => {
  it("has an expectation for every entry", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(corpus.map((e) => e.name).sort());
  });

  it.each(corpus.map((e) => [e.name, e.message] as const))("%s", (name, message) => {
    // Act
    const payload = toSlackPayload(message, OPTS);
    // Assess
    expect(payload).toEqual(EXPECTED[name]);
    expect(payloadProblems(payload, true)).toEqual([]);
  });

  it.each(corpus.map((e) => [e.name, e.message] as const))("%s without chat:write.customize", (_name, message) => {
    // Act
    const payload = withFromPrefix(toSlackPayload(message, OPTS), message.from ?? "");
    // Assess
    expect(payload.username).toBeUndefined();
    expect(payloadProblems(payload, true)).toEqual([]);
    if (message.from !== undefined) {
      // The name shows: before the text, or above the attachment.
      const shown = payload.text !== "" ? payload.text : payload.attachments?.[0].pretext;
      expect(shown?.startsWith("*")).toBe(true);
    }
  });

  it("the Jenkins failure reads well without the username scope", () => {
    const entry = corpus.find((e) => e.name === "jenkins-build-failed");
    const payload = withFromPrefix(toSlackPayload(entry!.message, OPTS), "Jenkins");
    expect(payload).toEqual({
      text: "",
      mrkdwn: true,
      attachments: [
        {
          color: "danger",
          pretext: "*Jenkins*",
          text: "*api-master #142* FAILED after 3 min 12 sec (<https://ci.example.com/job/api-master/142/|Open>)\nChanges: _Fix login redirect_ by ann\n<https://ci.example.com/job/api-master/142/console>",
          fallback:
            "Jenkins: api-master #142 FAILED after 3 min 12 sec (Open)\nChanges: Fix login redirect by ann\nhttps://ci.example.com/job/api-master/142/console",
          mrkdwn_in: ["text", "pretext"],
        },
      ],
    });
  });
});
