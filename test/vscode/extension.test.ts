/**
 * The integration scenarios in VS Code's own extension host, through @vscode/test-electron, for
 * machines that can download VS Code (`npm run test:vscode`). Here they drive the extension
 * through the API `activate` returns, against the local server with the Bedrock fake.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CloudEngineerApi } from '../../extension/extension';
import { textTurn, toolTurn } from '../fakes/bedrock';
import { BackendStack } from '../support/stack';

suite('Cloud Engineer in VS Code', function () {
  this.timeout(60_000);
  const stack = new BackendStack({ auth: 'none' });
  let api: CloudEngineerApi;

  suiteSetup(async () => {
    await stack.start();
    const config = vscode.workspace.getConfiguration('cloudEngineer');
    await config.update('backend.mode', 'http', vscode.ConfigurationTarget.Global);
    await config.update('backend.url', stack.url, vscode.ConfigurationTarget.Global);
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'cloud-engineer')!;
    api = (await extension.activate()) as CloudEngineerApi;
  });
  suiteTeardown(() => stack.stop());

  test('contributes its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'cloudEngineer.runTask',
      'cloudEngineer.newChat',
      'cloudEngineer.askAboutSelection',
      'cloudEngineer.signIn',
      'cloudEngineer.configureBackend',
      'cloudEngineer.sessions.rename',
    ]) {
      assert.ok(commands.includes(id), id);
    }
  });

  test('chats, streams, and lists the session', async () => {
    stack.bedrock.enqueue(textTurn(['Hello ', 'from ', 'VS Code.']));
    await vscode.commands.executeCommand('cloudEngineer.chat.focus');
    await api.chat.send('hi');
    const answer = api.chat.snapshot.items.at(-1);
    assert.deepEqual(answer, {
      kind: 'assistant',
      text: 'Hello from VS Code.',
      streaming: false,
      usage: { inputTokens: 12, outputTokens: 3 },
    });
    api.sessions.refresh();
    const groups = await api.sessions.getChildren();
    assert.equal(groups[0] && 'group' in groups[0] ? groups[0].group : undefined, 'Today');
  });

  test('runs a task', async () => {
    stack.bedrock.enqueue(textTurn(['| i-1 | running |']));
    await api.chat.runTask(
      { id: 'list-ec2-instances', title: 'List EC2 instances and status' },
      { region: 'eu-west-1' },
    );
    assert.match(stack.bedrock.requests.at(-1)!.body.messages[0].content[0].text, /eu-west-1/);
  });

  test('approves one mutating call and denies another', async () => {
    stack.bedrock.enqueue(
      toolTurn([{ id: 'd1', name: 'cloudformation_delete_stack', input: { stackName: 'old' } }]),
      textTurn(['Deleting.']),
    );
    await api.chat.send('delete old');
    await api.chat.decide({ toolUseId: 'd1', decision: 'approve', confirmText: 'DELETE old' });
    assert.deepEqual(
      stack.aws.calledWith('DeleteStack').map((p) => p.StackName),
      ['old'],
    );
    stack.bedrock.enqueue(
      toolTurn([
        {
          id: 'p1',
          name: 'cloudformation_plan_change',
          input: { stackName: 'web', templateBody: 'Resources: {}' },
        },
      ]),
      textTurn(['Nothing changed.']),
    );
    await api.chat.send('create web');
    await api.chat.decide({ toolUseId: 'p1', decision: 'deny' });
    assert.deepEqual(stack.aws.calledWith('CreateChangeSet'), []);
  });

  test('shows a guardrail notice, and an error when the backend is down', async () => {
    stack.bedrock.enqueue(textTurn(['ok']));
    await api.chat.send('mail jane.doe@example.com');
    assert.ok(api.chat.snapshot.items.some((i) => i.kind === 'notice' && i.categories.includes('email')));
    await stack.stopServer();
    await api.chat.send('still there?');
    assert.equal(api.chat.snapshot.error?.code, 'unreachable');
  });
});
