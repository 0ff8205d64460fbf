import assert from 'node:assert/strict';
import { diagramFileName, diagramTitle } from '../../../shared/diagram-file';
import { ToExtension } from '../../../shared/webview-protocol';

describe('Save Diagram… names and messages', () => {
  it('takes the title from front matter or a chart’s title line, else none', () => {
    assert.equal(diagramTitle('---\ntitle: Orders API\n---\narchitecture-beta\n'), 'Orders API');
    assert.equal(
      diagramTitle('xychart-beta\n  title "Lambda Errors (Sum)"\n  line [1, 2]'),
      'Lambda Errors (Sum)',
    );
    assert.equal(diagramTitle('flowchart TB\n  a --> b'), undefined);
    assert.equal(diagramTitle('xychart-beta\n  title ""\n'), undefined);
  });

  it('names the file for the title, "diagram" without one, in the chosen format', () => {
    assert.equal(diagramFileName('Orders API', 'svg'), 'Orders API.svg');
    assert.equal(diagramFileName('Lambda Errors (Sum)', 'png'), 'Lambda Errors (Sum).png');
    assert.equal(diagramFileName(undefined, 'svg'), 'diagram.svg');
    assert.equal(diagramFileName('   ', 'png'), 'diagram.png');
  });

  it('never lets a title point elsewhere or name a special file', () => {
    const hostile = [
      '../../.ssh/authorized_keys',
      '..\\..\\Windows\\System32\\evil',
      '/etc/passwd',
      'C:\\boot.ini',
      '..',
      '.bashrc',
      'a\u0000b\nc',
      'report\u202egpj.exe',
      'x'.repeat(500),
    ];
    for (const title of hostile) {
      const name = diagramFileName(title, 'svg');
      assert.doesNotMatch(name, /[\\/:*?"<>|\u0000-\u001f\u202e]/, name);
      assert.ok(!name.startsWith('.'), name);
      assert.ok(name.length <= 84, name);
      assert.ok(name.endsWith('.svg'), name);
    }
    assert.equal(diagramFileName('../../.ssh/authorized_keys', 'svg'), 'ssh authorized_keys.svg');
    assert.equal(diagramFileName('..', 'png'), 'diagram.png');
    assert.equal(diagramFileName('CON', 'svg'), 'CON-diagram.svg');
    assert.equal(diagramFileName('nul.txt', 'svg'), 'nul.txt-diagram.svg');
  });

  it('accepts a saveDiagram message only with an SVG and, if any, a real PNG', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    assert.ok(ToExtension.safeParse({ type: 'saveDiagram', svg, png, title: 'x' }).success);
    assert.ok(ToExtension.safeParse({ type: 'saveDiagram', svg }).success);
    for (const bad of [
      { type: 'saveDiagram', svg: '<script>alert(1)</script>' },
      { type: 'saveDiagram', svg, png: 'PD94bWwgdmVyc2lvbj0iMS4wIj8+' }, // base64 of an XML file
      { type: 'saveDiagram', svg, png: 'iVBORw0KGgo$$$' },
      { type: 'saveDiagram', svg, title: 'x'.repeat(201) },
    ])
      assert.equal(ToExtension.safeParse(bad).success, false, JSON.stringify(bad).slice(0, 80));
  });
});
