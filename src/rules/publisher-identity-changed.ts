import { isVersionChange } from '../model.js';
import { publishedBefore, sameAccount } from './history.js';
import { defineRule, omitted, pass, unchecked, versionsMissing } from './rule.js';

export const publisherIdentityChanged = defineRule({
  id: 'publisher-identity-changed',
  title: 'Same publishing account, different identity: a new email, or a trusted publisher replaced by a personal account',
  defaultSeverity: 'medium',
  metadata: 'required',
  appliesTo: isVersionChange,
  check({ facts, before, after }) {
    if (!facts || !before || !after) return versionsMissing;
    if (!before.publisher || !after.publisher)
      return unchecked('the registry sent no publisher (_npmUser) for these versions', omitted(facts, '_npmUser'));
    const b = before.publisher;
    const a = after.publisher;
    if (b.trustedPublisher && !a.trustedPublisher) {
      return {
        findings: [
          {
            traits: ['trust:trusted-publisher-lost'],
            evidence: { previous: { name: b.name, trustedPublisher: b.trustedPublisher }, publisher: { name: a.name } },
            message: `${before.version} was published by trusted publishing (${b.trustedPublisher}); ${after.version} by the personal account ${a.name}`,
          },
        ],
      };
    }
    if (!sameAccount(b.name, a.name) || !b.email || !a.email || sameAccount(b.email, a.email)) return pass;
    const email = a.email;
    // An address this account already used on a release no later than this one is not news.
    const seen = [...facts.versions.values()].some(
      (v) =>
        v.version !== after.version &&
        v.publisher?.email !== undefined &&
        sameAccount(v.publisher.name, a.name) &&
        sameAccount(v.publisher.email, email) &&
        !publishedBefore(after, v),
    );
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
