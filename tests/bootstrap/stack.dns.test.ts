import { describeBootstrapStack } from "./runBootstrap";

describeBootstrapStack("dns");
