import type { HipChatMessage } from "../../../handler/convert";

/**
 * Messages shaped like what real HipChat senders posted: CI servers, monitoring, deploy tools,
 * card-posting integrations, and a few hostile ones. The converter tests pin their exact output;
 * the benchmark reuses them as a realistic workload.
 */
export interface CorpusEntry {
  readonly name: string;
  readonly message: HipChatMessage;
}

export const corpus: readonly CorpusEntry[] = [
  {
    name: "jenkins-build-failed",
    message: {
      format: "html",
      color: "red",
      from: "Jenkins",
      message:
        '<b>api-master #142</b> FAILED after 3 min 12 sec (<a href="https://ci.example.com/job/api-master/142/">Open</a>)' +
        "<br>Changes: <i>Fix login redirect</i> by ann<br>" +
        '<a href="https://ci.example.com/job/api-master/142/console">https://ci.example.com/job/api-master/142/console</a>',
    },
  },
  {
    name: "jenkins-back-to-normal",
    message: {
      format: "html",
      color: "green",
      from: "Jenkins",
      message:
        '<b>api-master #143</b> Back to normal after 2 min 40 sec (<a href="https://ci.example.com/job/api-master/143/">Open</a>)',
    },
  },
  {
    name: "bamboo-text-failed",
    message: {
      format: "text",
      color: "red",
      from: "Bamboo",
      message:
        "(failed) API › Master › #77 failed: 3 of 812 tests failed. @here @ann please look\n" +
        "https://bamboo.example.com/browse/API-MASTER-77",
    },
  },
  {
    name: "travis-passed",
    message: {
      format: "html",
      color: "green",
      from: "Travis CI",
      message:
        "acme/web#381 (master - 9f2c1ab : Bob) <b>passed</b>: " +
        '<a href="https://travis.example.com/acme/web/builds/381?utm_source=hipchat&amp;utm_medium=notification">Details</a> | ' +
        '<a href="https://github.com/acme/web/compare/1a2b3c4...9f2c1ab">Changes</a>',
    },
  },
  {
    name: "nagios-service-critical",
    message: {
      format: "html",
      color: "red",
      from: "Nagios",
      message:
        "<b>PROBLEM</b> Service Alert: web01/HTTP is <b>CRITICAL</b><br>\n" +
        "<table>\n" +
        "  <tr><td>Host:</td><td>web01 (10.0.3.21)</td></tr>\n" +
        "  <tr><td>Service:</td><td>HTTP</td></tr>\n" +
        "  <tr><td>State:</td><td><b>CRITICAL</b> for 0d 0h 4m</td></tr>\n" +
        "  <tr><td>Info:</td><td>HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - 1234 bytes in 0.012 second response time</td></tr>\n" +
        "</table>\n" +
        '<a href="https://nagios.example.com/cgi-bin/extinfo.cgi?type=2&host=web01&service=HTTP">View in Nagios</a>',
    },
  },
  {
    name: "nagios-host-recovery",
    message: {
      format: "text",
      color: "green",
      from: "Nagios",
      message: "RECOVERY: db02 is UP (PING OK - Packet loss = 0%, RTA = 0.41 ms) (successful)",
    },
  },
  {
    name: "zabbix-problem-table",
    message: {
      format: "html",
      color: "yellow",
      from: "Zabbix",
      message:
        "<strong>Problem:</strong> Free disk space is less than 10% on volume /var<br/>" +
        "<table><thead><tr><th>Host</th><th>Severity</th><th>Value</th></tr></thead>" +
        "<tbody><tr><td>db02</td><td><b>High</b></td><td>4.2 %</td></tr></tbody></table>" +
        '<p>Event <a href="https://zabbix.example.com/tr_events.php?triggerid=13551&amp;eventid=998877">#998877</a> ' +
        "started at 2024.03.05 14:02:11</p>",
    },
  },
  {
    name: "deploy-started-capistrano",
    message: {
      format: "html",
      color: "purple",
      from: "Capistrano",
      message: "<b>ann</b> is deploying <b>api</b> (branch <code>release/2.4</code>) to <b>production</b>.",
    },
  },
  {
    name: "deploy-finished-with-commits",
    message: {
      format: "html",
      color: "green",
      from: "Deploybot",
      message:
        'Deployed <a href="https://github.com/acme/api/compare/1a2b3c4...4d5e6f7">acme/api 1a2b3c4…4d5e6f7</a> to <b>production</b>:\n' +
        "<ul>\n" +
        "  <li><code>4d5e6f7</code> Fix login redirect (<i>ann</i>)</li>\n" +
        "  <li><code>3c4d5e6</code> Bump lodash &amp; axios (<i>bob</i>)</li>\n" +
        "  <li><code>2b3c4d5</code> Handle &lt;empty&gt; cart</li>\n" +
        "</ul>",
    },
  },
  {
    name: "deploy-text-announce",
    message: {
      format: "text",
      from: "ops",
      message: "@all heads up: maintenance window tonight 22:00-23:00 UTC, see https://status.example.com (coffee)",
    },
  },
  {
    name: "sentry-error-with-trace",
    message: {
      format: "html",
      color: "red",
      from: "Sentry",
      message:
        "<b>[api] TypeError: Cannot read properties of undefined (reading 'id')</b><br>" +
        '<a href="https://sentry.example.com/acme/api/issues/4242/">View on Sentry</a>' +
        "<pre>\n  at getUser (src/users.ts:42:17)\n  at handler (src/routes.ts:88:5)\n</pre>",
    },
  },
  {
    name: "jira-card",
    message: {
      format: "text",
      color: "yellow",
      from: "JIRA",
      message: "ann moved API-311 to In Review",
      card: {
        style: "application",
        format: "medium",
        id: "api-311",
        title: "API-311: Login redirect loses <next> parameter",
        url: "https://jira.example.com/browse/API-311",
        description: {
          value: "After SSO the <b>next</b> query parameter is dropped &amp; users land on /home.",
          format: "html",
        },
        icon: { url: "https://jira.example.com/favicon.png" },
        thumbnail: { url: "https://jira.example.com/secure/useravatar?avatarId=10341" },
        activity: {
          html: '<b>ann</b> moved <a href="https://jira.example.com/browse/API-311">API-311</a> to <i>In Review</i>',
        },
        attributes: [
          { label: "Status", value: { label: "In Review", style: "lozenge-current" } },
          {
            label: "Assignee",
            value: { label: "Ann Lee", url: "https://jira.example.com/secure/ViewProfile.jspa?name=ann" },
          },
          { label: "Priority", value: { label: "Major" } },
        ],
      },
    },
  },
  {
    name: "bitbucket-pr-card-no-color",
    message: {
      format: "html",
      message: '<a href="https://bitbucket.example.com/acme/web/pull-requests/58">PR #58</a> opened by bob',
      card: {
        style: "link",
        title: "Add dark mode toggle",
        url: "https://bitbucket.example.com/acme/web/pull-requests/58",
        description: "feature/dark-mode → master · 4 commits · 12 files",
      },
    },
  },
  {
    name: "injection-attempts-text",
    message: {
      format: "text",
      from: "<!channel>",
      message:
        "Deploy by <!channel> <@U024BE7LH> <#C024BE7LR|general> <https://evil.example.com|https://bank.example.com> &lt;!here&gt;",
    },
  },
  {
    name: "injection-attempts-html",
    message: {
      format: "html",
      color: "red",
      message:
        '&lt;!channel&gt; <a href="javascript:alert(1)">click</a> <a href="https://ok.example.com/?q=<!everyone>|x">ok</a> ' +
        '<img src="data:image/png;base64,AAAA" alt="<@U1>"> <script>alert(1)</script>@all',
    },
  },
  {
    name: "cron-plain-multiline",
    message: {
      format: "text",
      message: "backup-db finished in 412s\n  dumped: 14 tables\n  size: 2.3 GB\n\n(thumbsup)",
    },
  },
];
