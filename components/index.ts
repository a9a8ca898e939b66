export {
  CERTIFICATE_VALIDATION_TIMEOUT,
  DEFAULT_SSL_POLICY,
  LAMBDA_RUNTIME,
  PRIVATE_LAMBDA_SERVICE_TYPE,
  PrivateLambdaService,
  type PrivateLambdaServiceArgs,
  type PrivateLambdaServiceListeners,
} from "./privateLambdaService";
export { createPrivateVpc, type PrivateVpc, type PrivateVpcArgs, privateVpcArgs } from "./privateVpc";
export { validateArgs } from "./validation";
export {
  QUEUED_DELIVERY_TYPE,
  QueuedDelivery,
  type QueuedDeliveryArgs,
  validateQueuedDeliveryArgs,
} from "./queuedDelivery";
