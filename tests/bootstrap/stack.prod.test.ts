import { describeBootstrapStack } from "./runBootstrap";

describeBootstrapStack("prod");
