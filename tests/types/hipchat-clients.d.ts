// The published HipChat clients the tests drive ship no type declarations; they are used as-is.
declare module "hipchatter";
declare module "hipchat-room-notification-api";
declare module "node-hipchat";
declare module "hipchat-notifier";
