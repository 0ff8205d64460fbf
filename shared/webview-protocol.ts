/**
 * Messages between the extension and the chat webview, typed once and validated on receipt on
 * both sides. No `vscode` and no DOM here: the extension and the webview bundle both import it.
 */
import * as z from 'zod';
import { StreamEvent } from '../backend/src/protocol';
import { ConversationState } from './conversation-state';

/**
 * What fixes an error or a setup problem, offered as a button on its banner or setup step:
 * `checkSetup` runs the setup check again (a server started meanwhile).
 */
export const FixAction = z.enum([
  'signIn',
  'configure',
  'showLogs',
  'retry',
  'setModelApiKey',
  'selectModel',
  'checkSetup',
]);
export type FixAction = z.infer<typeof FixAction>;

export const ToWebview = z.discriminatedUnion('type', [
  /** The whole conversation: on `ready`, after a resume, after a reload. */
  z.object({ type: z.literal('state'), state: ConversationState }),
  /** One contract event of the running turn, applied with the same reducer on both sides. */
  z.object({ type: z.literal('event'), event: StreamEvent }),
  z.object({ type: z.literal('focusInput') }),
]);
export type ToWebview = z.infer<typeof ToWebview>;

export const ToExtension = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('send'),
    text: z
      .string()
      .min(1)
      .max(32 * 1024),
  }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('retry') }),
  z.object({ type: z.literal('newChat') }),
  z.object({ type: z.literal('dismissError') }),
  z.object({
    type: z.literal('decide'),
    toolUseId: z.string().min(1),
    decision: z.enum(['approve', 'deny']),
    confirmText: z.string().max(300).optional(),
  }),
  z.object({ type: z.literal('copy'), text: z.string().max(1024 * 1024) }),
  /** Copy Call on an approval card: the extension copies the call from its own state, not the view's text. */
  z.object({ type: z.literal('copyCall'), toolUseId: z.string().min(1).max(200) }),
  z.object({
    type: z.literal('insert'),
    text: z.string().max(1024 * 1024),
    /** The block's language: with no editor open, the new document gets it. */
    language: z.string().max(50).optional(),
  }),
  z.object({
    type: z.literal('openInEditor'),
    text: z.string().max(1024 * 1024),
    language: z.string().max(50).optional(),
  }),
  z.object({ type: z.literal('fix'), action: FixAction }),
  /** Open Diff on a stack change's approval card: the extension takes the templates from its own state. */
  z.object({ type: z.literal('openDiff'), toolUseId: z.string().min(1).max(200) }),
  /** A rendered diagram, opened in an editor tab where it can be zoomed. */
  z.object({
    type: z.literal('openDiagram'),
    svg: z
      .string()
      .max(4 * 1024 * 1024)
      .regex(/^\s*<svg[\s>]/),
  }),
  /** Save Diagram…: the SVG, its PNG when the webview could draw one, and the diagram's title. */
  z.object({
    type: z.literal('saveDiagram'),
    svg: z
      .string()
      .max(4 * 1024 * 1024)
      .regex(/^\s*<svg[\s>]/),
    /** Base64 of a PNG (its signature checked), drawn from the SVG on a canvas. */
    png: z
      .string()
      .max(32 * 1024 * 1024)
      .regex(/^iVBORw0KGgo[A-Za-z0-9+/]*={0,2}$/)
      .optional(),
    title: z.string().max(200).optional(),
  }),
]);
export type ToExtension = z.infer<typeof ToExtension>;
