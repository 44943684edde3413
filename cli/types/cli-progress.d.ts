// The few parts of cli-progress (which ships no types) that cli/lib/progress.ts uses.
declare module "cli-progress" {
  export type Options = {
    readonly format?: string;
    readonly stream?: NodeJS.WritableStream;
    readonly hideCursor?: boolean;
    readonly clearOnComplete?: boolean;
    readonly etaBuffer?: number;
    readonly fps?: number;
    readonly noTTYOutput?: boolean;
  };
  export class SingleBar {
    constructor(options: Options, preset?: unknown);
    start(total: number, value: number, payload?: Record<string, unknown>): void;
    update(value: number, payload?: Record<string, unknown>): void;
    increment(step?: number, payload?: Record<string, unknown>): void;
    stop(): void;
  }
  export const Presets: { readonly shades_classic: unknown; readonly shades_grey: unknown; readonly legacy: unknown; readonly rect: unknown };
  const cliProgress: { SingleBar: typeof SingleBar; Presets: typeof Presets };
  export default cliProgress;
}
