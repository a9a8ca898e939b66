import { describeStack } from "./describeStack";

describeStack("dev");
