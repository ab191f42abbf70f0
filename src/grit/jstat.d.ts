// Minimal types for the parts of `jstat` (untyped CommonJS) that gritloc uses.
declare module "jstat" {
  interface JStatStatic {
    studentt: {
      inv(p: number, dof: number): number;
      pdf(x: number, dof: number): number;
    };
  }
  const jstat: { jStat: JStatStatic };
  export default jstat;
}
