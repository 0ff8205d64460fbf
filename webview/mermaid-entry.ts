// A separate bundle, loaded by the chat view only when a diagram first appears (it is large).
import mermaid from 'mermaid';

(globalThis as { cloudEngineerMermaid?: typeof mermaid }).cloudEngineerMermaid = mermaid;
