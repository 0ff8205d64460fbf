import assert from 'node:assert/strict';
import logos from '@iconify-json/logos/icons.json';
import { awsIconPack, type IconifyJson } from '../../../webview/diagram-icons';

describe('the AWS icon pack for architecture diagrams', () => {
  it('keeps the AWS icons of the logos set and nothing else', () => {
    const pack = awsIconPack(logos as IconifyJson);
    const names = Object.keys(pack.icons);
    assert.equal(pack.prefix, 'logos');
    for (const name of [
      'aws-lambda',
      'aws-s3',
      'aws-ec2',
      'aws-rds',
      'aws-dynamodb',
      'aws-api-gateway',
      'aws-vpc',
    ])
      assert.ok(names.includes(name), name);
    assert.ok(names.every((n) => n === 'aws' || n.startsWith('aws-')));
    assert.ok(names.length < 100, `${names.length} icons`);
    // Small next to the mermaid bundle (a few MB), which loads only when a diagram appears.
    assert.ok(JSON.stringify(pack).length < 200_000, `${JSON.stringify(pack).length} bytes`);
  });

  it('drops aliases that point outside the subset', () => {
    const pack = awsIconPack({
      prefix: 'logos',
      icons: { 'aws-s3': { body: '<g/>' }, react: { body: '<g/>' } },
      aliases: {
        'aws-bucket': { parent: 'aws-s3' },
        'aws-react': { parent: 'react' },
        jsx: { parent: 'react' },
      },
    });
    assert.deepEqual(Object.keys(pack.icons), ['aws-s3']);
    assert.deepEqual(pack.aliases, { 'aws-bucket': { parent: 'aws-s3' } });
  });
});
