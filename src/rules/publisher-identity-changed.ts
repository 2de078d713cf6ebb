import { isVersionChange } from '../diff/change.js';
import { defineRule, pass, unchecked, versionsMissing } from './rule.js';

export const publisherIdentityChanged = defineRule({
  id: 'publisher-identity-changed',
  title: 'Same publishing account, different identity: a new email, or a trusted publisher replaced by a personal account',
  defaultSeverity: 'medium',
  needsMetadata: true,
  appliesTo: isVersionChange,
  check({ facts, before, after }) {
    if (!facts || !before || !after) return versionsMissing;
    if (!before.publisher || !after.publisher) return unchecked('the registry sent no publisher (_npmUser) for these versions');
    const b = before.publisher;
    const a = after.publisher;
    if (b.trustedPublisher && !a.trustedPublisher) {
      return {
        findings: [
          {
            severity: 'medium',
            traits: ['trust:trusted-publisher-lost'],
            evidence: { previous: { name: b.name, trustedPublisher: b.trustedPublisher }, publisher: { name: a.name } },
            message: `${before.version} was published by trusted publishing (${b.trustedPublisher}); ${after.version} by the personal account ${a.name}`,
          },
        ],
      };
    }
    if (b.name.toLowerCase() !== a.name.toLowerCase() || !b.email || !a.email || b.email.toLowerCase() === a.email.toLowerCase()) return pass;
    // An address this account already used on an earlier release is not news.
    const seen = [...facts.versions.values()].some((v) => v.version !== after.version && v.publisher?.name.toLowerCase() === a.name.toLowerCase() && v.publisher.email?.toLowerCase() === a.email!.toLowerCase() && (v.publishedAt ?? 0) <= (after.publishedAt ?? Infinity));
    if (seen) return pass;
    return {
      findings: [
        {
          severity: 'low',
          traits: ['publisher:email-changed'],
          evidence: { account: a.name, previousEmail: b.email, email: a.email },
          message: `${a.name} published ${after.version} with an email address never used on this package before (${a.email}; ${before.version} used ${b.email})`,
        },
      ],
    };
  },
});
