/**
 * A real migration's routing data: 2,000 rooms and 5,000 users. Lambda caps a function's whole
 * environment at 4 KB, so these travel in the package as a settings file: the environment stays
 * small, and the deployed artefact routes a message for the last room.
 */
import type * as pulumi from "@pulumi/pulumi";

import { invokeInContainer, type UnpackedArtefact, unpackArtefact } from "../artefact/lambdaArtefact";
import { albEvent } from "../support/albEvents";
import { plain, type RecordedResource } from "../support/pulumiMocks";
import { runStack, type StackRun } from "../support/pulumiStack";
import { type SecretsStandIn, startSecretsStandIn } from "../support/secretsStandIn";
import { type SlackStandIn, startSlackStandIn } from "../support/slackStandIn";

const ROOMS = 2000;
const USERS = 5000;
/** What Lambda accepts for all keys and values of the environment together. */
const LAMBDA_ENVIRONMENT_LIMIT = 4096;

const rooms = Object.fromEntries(
  Array.from({ length: ROOMS }, (_, i) => [`Room ${i + 1}`, { channel: `#room-${i + 1}`, id: 100_000 + i }]),
);
const users = Object.fromEntries(
  Array.from({ length: USERS }, (_, i) => [`user${i + 1}`, `U${(1_000_000 + i).toString(36).toUpperCase()}`]),
);

let run: StackRun;
let fn: RecordedResource;
let artefact: UnpackedArtefact;

beforeAll(async () => {
  run = await runStack("dev", { config: { rooms, users } });
  fn = run.mocks.find("aws:lambda/function:Function", "hipchat-proxy-fn");
  artefact = await unpackArtefact(fn.inputs.code as pulumi.asset.AssetArchive, "large-routing");
}, 60_000);

afterAll(() => artefact?.remove());

it("keeps the function's environment under Lambda's 4 KB", () => {
  const vars = plain(fn.inputs.environment.variables) as Record<string, string>;
  const size = Object.entries(vars).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  expect(size).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT);
  expect(JSON.stringify(vars)).not.toContain("Room 2000");
});

it("delivers a message for the 2,000th room, with a mention of the 5,000th user, from the deployed artefact", async () => {
  const env = plain(fn.inputs.environment.variables) as Record<string, string>;
  const secretString = plain(
    run.mocks.find("aws:secretsmanager/secretVersion:SecretVersion", "hipchat-proxy-secret-value").inputs.secretString,
  );
  let slack: SlackStandIn | undefined;
  let secrets: SecretsStandIn | undefined;
  try {
    slack = await startSlackStandIn({ tokens: [run.secrets.slackToken] });
    secrets = await startSecretsStandIn({ [env.SECRET_ARN]: secretString });
    const targetGroupArn = run.mocks.find("aws:lambda/permission:Permission", "hipchat-proxy-alb-invoke").inputs
      .sourceArn;
    const token = run.secrets.hipchatTokens[1].token; // not limited to rooms
    const container = await invokeInContainer(
      artefact.packageDir,
      [
        albEvent({
          url: `/v2/room/${encodeURIComponent(`Room ${ROOMS}`)}/notification`,
          targetGroupArn,
          headerForm: "multi",
          headers: { authorization: `Bearer ${token}` },
          json: { message: `hello @user${USERS}`, message_format: "text" },
        }),
      ],
      {
        ...env,
        SLACK_API_URL: slack.url,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        NODE_PATH: artefact.sdkPath,
        AWS_REGION: run.file.region,
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "test-secret-key",
        LAMBDA_TASK_ROOT: artefact.packageDir,
        HOME: artefact.work,
      },
    );
    expect(container.results[0].statusCode).toBe(204);
    expect(slack.delivered).toHaveLength(1);
    expect(slack.delivered[0].body.channel).toBe(`#room-${ROOMS}`);
    expect(String(slack.delivered[0].body.text)).toContain(`<@${users[`user${USERS}`]}>`);
  } finally {
    await slack?.close();
    await secrets?.close();
  }
}, 60_000);
