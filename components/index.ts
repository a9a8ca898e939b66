export * from "./privateLambdaService";
export * from "./validation";
export * from "./packaging";
