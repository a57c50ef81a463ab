declare module "*.toml" {
  const value: Record<string, unknown>;
  export default value;
}
declare module "*.sql" {
  const value: string;
  export default value;
}
// Files imported `with { type: "file" }` resolve to a path (embedded in the compiled binary).
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.js" {
  const path: string;
  export default path;
}
