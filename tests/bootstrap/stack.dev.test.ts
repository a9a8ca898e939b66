import { describeBootstrapStack } from "./runBootstrap";

describeBootstrapStack("dev");
