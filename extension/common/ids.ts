/** Every id the extension contributes, with one prefix, in one place. package.json names the same. */
export const COMMANDS = {
  runTask: 'cloudEngineer.runTask',
  newChat: 'cloudEngineer.newChat',
  focusChat: 'cloudEngineer.focusChat',
  stop: 'cloudEngineer.stop',
  askAboutSelection: 'cloudEngineer.askAboutSelection',
  signIn: 'cloudEngineer.signIn',
  signOut: 'cloudEngineer.signOut',
  configureBackend: 'cloudEngineer.configureBackend',
  connectToDeployment: 'cloudEngineer.connectToDeployment',
  showLogs: 'cloudEngineer.showLogs',
  sessionsRefresh: 'cloudEngineer.sessions.refresh',
  sessionsResume: 'cloudEngineer.sessions.resume',
  sessionsRename: 'cloudEngineer.sessions.rename',
  sessionsDelete: 'cloudEngineer.sessions.delete',
  sessionsFilter: 'cloudEngineer.sessions.filter',
  sessionsClearFilter: 'cloudEngineer.sessions.clearFilter',
  sessionsLoadMore: 'cloudEngineer.sessions.loadMore',
  exportConversation: 'cloudEngineer.exportConversation',
  selectProfileAndRegion: 'cloudEngineer.selectProfileAndRegion',
  setModelApiKey: 'cloudEngineer.setModelApiKey',
  selectModel: 'cloudEngineer.selectModel',
  account: 'cloudEngineer.account',
} as const;

export const VIEWS = {
  container: 'cloudEngineer',
  chat: 'cloudEngineer.chat',
  sessions: 'cloudEngineer.sessions',
} as const;

export const CONTEXT_KEYS = {
  signedIn: 'cloudEngineer.signedIn',
  needsSignIn: 'cloudEngineer.needsSignIn',
  filtered: 'cloudEngineer.sessionsFiltered',
  /** An answer is streaming in the chat (Escape stops it). */
  busy: 'cloudEngineer.chatBusy',
} as const;

export const AUTH_PROVIDER_ID = 'cloudEngineer.cognito';
