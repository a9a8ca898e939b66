/** Types of yaml-subset.cjs, for the tests. */
export declare class YamlSubsetError extends Error {}
export declare function parseYaml(text: string): unknown;
