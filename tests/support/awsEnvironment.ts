/**
 * The AWS SDK's environment for suites that drive real SDK v3 clients against the stand-ins: dummy
 * credentials, no instance metadata, nothing from this machine's AWS profile or config files, and no
 * region, so that the only region a client gets is the one the code under test passes it.
 * Endpoints (AWS_ENDPOINT_URL_*) are the caller's; restore `process.env` afterwards.
 */
export function isolateAwsEnvironment(endpoints: Record<string, string> = {}): void {
  Object.assign(process.env, endpoints, {
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "local-secret",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
}
