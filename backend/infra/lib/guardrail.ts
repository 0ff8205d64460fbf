/**
 * The Bedrock guardrail the backend applies to model turns and tool results, published as a
 * version: content filters, denied topics outside cloud engineering, and PII that is anonymized
 * (e-mail, phone, names, card numbers, secret keys) while AWS account ids, ARNs and IP addresses,
 * which engineers need in answers, pass untouched (no detector or regex for them).
 */
import { createHash } from 'node:crypto';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { Construct } from 'constructs';

export const CONTENT_FILTERS: bedrock.CfnGuardrail.ContentFilterConfigProperty[] = [
  { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'INSULTS', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'SEXUAL', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  // Medium: operations language ("kill the process", "terminate instances") must not trip it.
  { type: 'VIOLENCE', inputStrength: 'MEDIUM', outputStrength: 'MEDIUM' },
  { type: 'MISCONDUCT', inputStrength: 'MEDIUM', outputStrength: 'MEDIUM' },
  // Prompt attacks are judged on input only (the service requires NONE on output).
  { type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' },
];

export const DENIED_TOPICS: bedrock.CfnGuardrail.TopicConfigProperty[] = [
  {
    name: 'Investment advice',
    type: 'DENY',
    definition:
      'Recommendations to buy, sell or hold stocks, cryptocurrencies or other investments, or personal financial planning. Cloud costs and AWS billing are not this topic.',
    examples: ['Which stocks should I buy this year?', 'Is now a good time to invest in bitcoin?'],
  },
  {
    name: 'Medical advice',
    type: 'DENY',
    definition:
      'Diagnosis, treatment, medication or dosage advice about physical or mental health conditions.',
    examples: [
      'What dose of ibuprofen should I take for a migraine?',
      'Do my symptoms mean I have diabetes?',
    ],
  },
  {
    name: 'Legal advice',
    type: 'DENY',
    definition:
      'Advice on lawsuits, personal contracts, immigration, divorce or criminal matters. Cloud compliance frameworks and AWS service terms are not this topic.',
    examples: ['How do I sue my landlord?', 'What should I say to the police after an arrest?'],
  },
  {
    name: 'Politics',
    type: 'DENY',
    definition:
      'Opinions on political parties, candidates, elections, or partisan government policy debates.',
    examples: ['Who should I vote for in the next election?', 'Which political party is right about taxes?'],
  },
];

/** Anonymized in both directions; IP_ADDRESS is deliberately absent (network work needs it). */
export const PII_ENTITIES: bedrock.CfnGuardrail.PiiEntityConfigProperty[] = [
  'EMAIL',
  'PHONE',
  'NAME',
  'CREDIT_DEBIT_CARD_NUMBER',
  'AWS_SECRET_KEY',
].map((type) => ({ type, action: 'ANONYMIZE' }));

export class Guardrail extends Construct {
  readonly guardrail: bedrock.CfnGuardrail;
  readonly version: bedrock.CfnGuardrailVersion;

  constructor(scope: Construct, id: string, props: { name: string }) {
    super(scope, id);
    const policy = {
      contentPolicyConfig: { filtersConfig: CONTENT_FILTERS },
      topicPolicyConfig: { topicsConfig: DENIED_TOPICS },
      sensitiveInformationPolicyConfig: { piiEntitiesConfig: PII_ENTITIES },
      wordPolicyConfig: { managedWordListsConfig: [{ type: 'PROFANITY' }] },
    };
    this.guardrail = new bedrock.CfnGuardrail(this, 'Guardrail', {
      name: props.name,
      description: 'Cloud Engineer: content filters, off-topic denial, PII anonymization',
      blockedInputMessaging:
        'I can only help with cloud engineering, and this request was blocked by the content policy.',
      blockedOutputsMessaging: 'The answer was withheld by the content policy.',
      ...policy,
    });
    // A version is immutable and its description forces a replacement: hashing the policy into it
    // publishes a new version exactly when the policy changes.
    const digest = createHash('sha256').update(JSON.stringify(policy)).digest('hex').slice(0, 12);
    this.version = new bedrock.CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: this.guardrail.attrGuardrailId,
      description: `policy ${digest}`,
    });
  }

  get arn(): string {
    return this.guardrail.attrGuardrailArn;
  }
}
