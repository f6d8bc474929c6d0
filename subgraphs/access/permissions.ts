import type { PermissionMap } from '../kit/permissions';

const OPERATOR_OR_KEYS = ['OPERATOR', 'company:keys.manage'] as const;
const OPERATOR_OR_WEBHOOKS = ['OPERATOR', 'company:webhooks.manage'] as const;

/**
 * What each field of the access subgraph needs (subgraphs/kit/permissions.ts).
 * Resolvers narrow further where the answer depends on the resource: a company
 * credential reaches only its own company, a key only the keys in its lineage.
 */
export const permissions: PermissionMap = {
  Query: {
    plans: 'PUBLIC',
    subscriptionRequests: 'OPERATOR',
    subscriptionRequest: 'OPERATOR',
    companies: 'OPERATOR',
    company: ['OPERATOR', 'company:read'],
    me: 'SIGNED_IN',
    overview: 'SIGNED_IN',
    permissions: 'PUBLIC',
    companyRoles: ['OPERATOR', 'company:read'],
    members: ['OPERATOR', 'company:read'],
    identityProvider: ['OPERATOR', 'company:read'],
    deadLetters: 'OPERATOR',
    platformAuditLog: 'OPERATOR',
    auditLog: ['OPERATOR', 'company:audit.read'],
    moduleStatus: 'OPERATOR',
    subscriptionRequestStatus: 'PUBLIC',
    invitations: ['OPERATOR', 'company:members.manage'],
    signInOptions: 'PUBLIC',
    publicEventTypes: OPERATOR_OR_WEBHOOKS,
    webhookEndpoints: OPERATOR_OR_WEBHOOKS,
    webhookDeliveries: OPERATOR_OR_WEBHOOKS,
  },
  Mutation: {
    requestSubscription: 'PUBLIC',
    approveSubscriptionRequest: 'OPERATOR',
    rejectSubscriptionRequest: 'OPERATOR',
    addCompanyModules: 'OPERATOR',
    issueAccessKey: OPERATOR_OR_KEYS,
    revokeAccessKey: OPERATOR_OR_KEYS,
    // Sign-in is for people who are not signed in yet; each is throttled per account and address.
    signIn: 'PUBLIC',
    refreshSession: 'PUBLIC',
    acceptInvitation: 'PUBLIC',
    signInWithIdentityProvider: 'PUBLIC',
    signOut: 'SIGNED_IN',
    revokeUserSessions: 'SIGNED_IN',
    inviteMember: ['OPERATOR', 'company:members.manage'],
    setMemberRoles: ['OPERATOR', 'company:members.manage'],
    removeMember: ['OPERATOR', 'company:members.manage'],
    createCompanyRole: ['OPERATOR', 'company:roles.manage'],
    createOperator: 'OPERATOR',
    createPersonalToken: 'SIGNED_IN',
    setCompanyOrigins: ['OPERATOR', 'company:settings.manage'],
    setAuditRetention: 'OPERATOR',
    setIdentityProvider: ['OPERATOR', 'company:settings.manage'],
    removeIdentityProvider: ['OPERATOR', 'company:settings.manage'],
    replayDeadLetters: 'OPERATOR',
    removeCompanyModules: 'OPERATOR',
    revokeInvitation: ['OPERATOR', 'company:members.manage'],
    createWebhookEndpoint: OPERATOR_OR_WEBHOOKS,
    updateWebhookEndpoint: OPERATOR_OR_WEBHOOKS,
    rotateWebhookSecret: OPERATOR_OR_WEBHOOKS,
    deleteWebhookEndpoint: OPERATOR_OR_WEBHOOKS,
    enableWebhookEndpoint: OPERATOR_OR_WEBHOOKS,
    redeliverWebhook: OPERATOR_OR_WEBHOOKS,
    pingWebhookEndpoint: OPERATOR_OR_WEBHOOKS,
  },
  // Another subgraph's reference to a company resolves to null unless it is the caller's own (resolvers/companies.ts).
  Company: { __resolveReference: 'SIGNED_IN', accessKeys: OPERATOR_OR_KEYS, tenant: 'OPERATOR' },
  Overview: { __resolveReference: 'SIGNED_IN' },
};
