/** The extension pointed at a local backend stack over http, and signed in to it as a user does. */
import assert from 'node:assert/strict';
import type { TestUser } from '../../support/cognito';
import { eventually, type BackendStack } from '../../support/stack';
import type { Workbench } from './workbench';

/** The settings of `http` mode on `stack`, signing in with its user pool. */
export function httpBackendSettings(stack: BackendStack): Record<string, string> {
  return {
    'cloudEngineer.backend.mode': 'http',
    'cloudEngineer.backend.url': stack.url,
    'cloudEngineer.cognito.userPoolId': stack.cognito.userPoolId,
    'cloudEngineer.cognito.clientId': stack.cognito.clientId,
    'cloudEngineer.cognito.endpoint': stack.cognito.url,
  };
}

/** Sign In and its two prompts; done once the connection's status item names the user at the stack. */
export async function signIn(workbench: Workbench, user: TestUser): Promise<void> {
  await workbench.command('Cloud Engineer: Sign In');
  await workbench.answer(user.email);
  await workbench.answer(user.password);
  const named = new RegExp(`${user.email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · 127\\.0\\.0\\.1`);
  await eventually(
    async () => assert.match(await workbench.page.locator('.statusbar').innerText(), named),
    30_000,
  );
}
