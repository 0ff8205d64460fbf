// A separate bundle, loaded by the chat view only when a diagram first appears (it is large).
import logos from '@iconify-json/logos/icons.json';
import mermaid from 'mermaid';
import { awsIconPack, ICON_PACK, type IconifyJson } from './diagram-icons';

// AWS service icons for `architecture-beta` diagrams, bundled: a diagram never fetches an icon.
mermaid.registerIconPacks([{ name: ICON_PACK, icons: awsIconPack(logos as IconifyJson) }]);

(globalThis as { cloudEngineerMermaid?: typeof mermaid }).cloudEngineerMermaid = mermaid;
