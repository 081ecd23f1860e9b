/** The output layer's public face: the CLI and reports import from here. */
export { createRenderer, usableTty, wantsColor, type RendererOptions } from './renderer.ts';
export { PlainRenderer, statusWord, type PlainOptions, type TextOut } from './plain.ts';
export { Listr2Renderer, type ListrOptions } from './listr.ts';
export { JsonSink, JSON_SCHEMA_VERSION, type RunDocument, type TimedEvent } from './json.ts';
export { formatRecap, exitCode, EXIT_OK, EXIT_FAILED, EXIT_UNREACHABLE, type RecapOptions } from './recap.ts';
export { renderFileDiff, renderDiffs, isBinary, VAULTED_NOTE, type DiffOptions } from './diff.ts';
export { errorText } from './error.ts';
export { EventBus, type EngineEvent, type EventSink, type HostStats, type TaskStatus } from '../engine/events.ts';
