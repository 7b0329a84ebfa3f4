/**
 * Agreement builders: every field ARM 2019-05-01 requires is present (listed here from
 * the Microsoft.Logic 2019-05-01 agreement schema, independently of defaults.ts), overrides are applied in the
 * documented order, receive agreements carry the DR duplicate checks, and output is deterministic.
 */
import * as assert from "assert";
import fc from "fast-check";
import { AgreementSpec, loadCatalog } from "../model/catalog";
import { buildAgreementContent, directionSettings, generatedControlNumbers } from "../model/catalog/agreements";
import { canonical } from "../model/json";
import { SAMPLE_CATALOG } from "./helpers";

const REQUIRED = {
  X12: {
    acknowledgementSettings:
      "acknowledgementControlNumberLowerBound acknowledgementControlNumberUpperBound batchFunctionalAcknowledgements batchImplementationAcknowledgements batchTechnicalAcknowledgements needFunctionalAcknowledgement needImplementationAcknowledgement needLoopForValidMessages needTechnicalAcknowledgement rolloverAcknowledgementControlNumber sendSynchronousAcknowledgement",
    envelopeSettings:
      "controlStandardsId groupControlNumberLowerBound groupControlNumberUpperBound interchangeControlNumberLowerBound interchangeControlNumberUpperBound transactionSetControlNumberLowerBound transactionSetControlNumberUpperBound controlVersionNumber groupHeaderAgencyCode groupHeaderVersion receiverApplicationId senderApplicationId groupHeaderDateFormat groupHeaderTimeFormat usageIndicator enableDefaultGroupHeaders overwriteExistingTransactionSetControlNumber rolloverGroupControlNumber rolloverInterchangeControlNumber rolloverTransactionSetControlNumber useControlStandardsIdAsRepetitionCharacter",
    framingSettings:
      "characterSet componentSeparator dataElementSeparator replaceCharacter segmentTerminator replaceSeparatorsInPayload segmentTerminatorSuffix",
    messageFilter: "messageFilterType",
    processingSettings:
      "convertImpliedDecimal createEmptyXmlTagsForTrailingSeparators maskSecurityInfo preserveInterchange suspendInterchangeOnError useDotAsDecimalSeparator",
    securitySettings: "authorizationQualifier securityQualifier",
    validationSettings:
      "allowLeadingAndTrailingSpacesAndZeroes checkDuplicateGroupControlNumber checkDuplicateInterchangeControlNumber checkDuplicateTransactionSetControlNumber trimLeadingAndTrailingSpacesAndZeroes validateCharacterSet validateEDITypes validateXSDTypes interchangeControlNumberValidityDays trailingSeparatorPolicy",
  },
  Edifact: {
    acknowledgementSettings:
      "acknowledgementControlNumberLowerBound acknowledgementControlNumberUpperBound batchFunctionalAcknowledgements batchTechnicalAcknowledgements needFunctionalAcknowledgement needLoopForValidMessages needTechnicalAcknowledgement rolloverAcknowledgementControlNumber sendSynchronousAcknowledgement",
    envelopeSettings:
      "applyDelimiterStringAdvice createGroupingSegments enableDefaultGroupHeaders isTestInterchange overwriteExistingTransactionSetControlNumber rolloverGroupControlNumber rolloverInterchangeControlNumber rolloverTransactionSetControlNumber groupControlNumberLowerBound groupControlNumberUpperBound interchangeControlNumberLowerBound interchangeControlNumberUpperBound transactionSetControlNumberLowerBound transactionSetControlNumberUpperBound",
    framingSettings:
      "characterSet componentSeparator dataElementSeparator protocolVersion releaseIndicator repetitionSeparator segmentTerminator decimalPointIndicator segmentTerminatorSuffix",
    messageFilter: "messageFilterType",
    processingSettings:
      "createEmptyXmlTagsForTrailingSeparators maskSecurityInfo preserveInterchange suspendInterchangeOnError useDotAsDecimalSeparator",
    validationSettings:
      "allowLeadingAndTrailingSpacesAndZeroes checkDuplicateGroupControlNumber checkDuplicateInterchangeControlNumber checkDuplicateTransactionSetControlNumber trimLeadingAndTrailingSpacesAndZeroes validateCharacterSet validateEDITypes validateXSDTypes interchangeControlNumberValidityDays trailingSeparatorPolicy",
  },
  AS2: {
    acknowledgementConnectionSettings:
      "ignoreCertificateNameMismatch keepHttpConnectionAlive supportHttpStatusCodeContinue unfoldHttpHeaders",
    envelopeSettings:
      "autogenerateFileName suspendMessageOnFileNameGenerationError transmitFileNameInMimeHeader fileNameTemplate messageContentType",
    errorSettings: "resendIfMDNNotReceived suspendDuplicateMessage",
    mdnSettings:
      "micHashingAlgorithm needMDN sendInboundMDNToMessageBox sendMDNAsynchronously signMDN signOutboundMDNIfOptional",
    messageConnectionSettings:
      "ignoreCertificateNameMismatch keepHttpConnectionAlive supportHttpStatusCodeContinue unfoldHttpHeaders",
    securitySettings:
      "enableNRRForInboundDecodedMessages enableNRRForInboundEncodedMessages enableNRRForInboundMDN enableNRRForOutboundDecodedMessages enableNRRForOutboundEncodedMessages enableNRRForOutboundMDN overrideGroupSigningCertificate",
    validationSettings:
      "checkCertificateRevocationListOnReceive checkCertificateRevocationListOnSend checkDuplicateMessage compressMessage encryptMessage overrideMessageProperties signMessage encryptionAlgorithm interchangeDuplicatesValidityDays",
  },
} as const;

const catalog = loadCatalog(SAMPLE_CATALOG);
const byProtocol = (p: string) => catalog.agreements.find((a) => a.protocol === p) as AgreementSpec;
const KEY = { X12: "x12", Edifact: "edifact", AS2: "aS2" } as const;

type OneWay = {
  senderBusinessIdentity: unknown;
  receiverBusinessIdentity: unknown;
  protocolSettings: Record<string, Record<string, unknown>>;
};
function oneWays(a: AgreementSpec): { receiveAgreement: OneWay; sendAgreement: OneWay } {
  return (buildAgreementContent(a) as Record<string, { receiveAgreement: OneWay; sendAgreement: OneWay }>)[
    KEY[a.protocol]
  ]!;
}

describe("agreement content", () => {
  for (const protocol of ["X12", "Edifact", "AS2"] as const) {
    it(`${protocol}: every required field is present in both directions, with a value of the right kind`, () => {
      const a = byProtocol(protocol);
      const content = buildAgreementContent(a) as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(content), [KEY[protocol]], "exactly one protocol key");
      let count = 0;
      for (const direction of ["receiveAgreement", "sendAgreement"] as const) {
        const settings = oneWays(a)[direction].protocolSettings;
        for (const [block, fields] of Object.entries(REQUIRED[protocol])) {
          for (const field of fields.split(" ")) {
            const value = settings[block]?.[field];
            assert.ok(
              ["string", "number", "boolean"].includes(typeof value),
              `${direction}.${block}.${field} = ${String(value)}`,
            );
            count++;
          }
        }
        if (protocol !== "AS2")
          assert.ok(Array.isArray(settings.schemaReferences) && settings.schemaReferences.length > 0);
      }
      const expected = { X12: 58, Edifact: 48, AS2: 37 }[protocol];
      assert.strictEqual(count, expected * 2);
    });
  }

  it("X12 has the reference's known-good values: separators, versions, bounds", () => {
    const s = oneWays(byProtocol("X12")).sendAgreement.protocolSettings;
    assert.deepStrictEqual(
      [
        s.framingSettings!.dataElementSeparator,
        s.framingSettings!.componentSeparator,
        s.framingSettings!.segmentTerminator,
      ],
      [42, 58, 126],
    );
    assert.strictEqual(s.envelopeSettings!.controlVersionNumber, "00401");
    assert.strictEqual(s.envelopeSettings!.interchangeControlNumberUpperBound, 999999999);
  });

  it("receive agreements have the DR duplicate checks on; send agreements keep the protocol default", () => {
    for (const protocol of ["X12", "Edifact"] as const) {
      const { receiveAgreement, sendAgreement } = oneWays(byProtocol(protocol));
      for (const check of [
        "checkDuplicateInterchangeControlNumber",
        "checkDuplicateGroupControlNumber",
        "checkDuplicateTransactionSetControlNumber",
      ]) {
        assert.strictEqual(receiveAgreement.protocolSettings.validationSettings![check], true, `${protocol} ${check}`);
        assert.strictEqual(sendAgreement.protocolSettings.validationSettings![check], false);
      }
    }
    assert.strictEqual(
      oneWays(byProtocol("AS2")).receiveAgreement.protocolSettings.validationSettings!.checkDuplicateMessage,
      true,
    );
  });

  it("identities: receive is guest → host, send is host → guest", () => {
    const a = byProtocol("X12");
    const { receiveAgreement, sendAgreement } = oneWays(a);
    assert.deepStrictEqual(receiveAgreement.senderBusinessIdentity, a.guest.identity);
    assert.deepStrictEqual(receiveAgreement.receiverBusinessIdentity, a.host.identity);
    assert.deepStrictEqual(sendAgreement.senderBusinessIdentity, a.host.identity);
    assert.deepStrictEqual(sendAgreement.receiverBusinessIdentity, a.guest.identity);
  });

  it("applies overrides: settings to both directions, receive/send to one, later layers winning", () => {
    const x12 = oneWays(byProtocol("X12"));
    assert.strictEqual(x12.receiveAgreement.protocolSettings.envelopeSettings!.usageIndicator, "Production");
    assert.strictEqual(x12.sendAgreement.protocolSettings.envelopeSettings!.usageIndicator, "Production");
    assert.strictEqual(x12.sendAgreement.protocolSettings.acknowledgementSettings!.needTechnicalAcknowledgement, true);
    assert.strictEqual(
      x12.receiveAgreement.protocolSettings.acknowledgementSettings!.needTechnicalAcknowledgement,
      false,
    );
    const edifact = oneWays(byProtocol("Edifact")).sendAgreement.protocolSettings.envelopeSettings!;
    assert.strictEqual(edifact.interchangeControlNumberPrefix, "CT");
    assert.strictEqual(edifact.interchangeControlNumberUpperBound, 99999999);
    const as2 = oneWays(byProtocol("AS2"));
    assert.strictEqual(as2.sendAgreement.protocolSettings.securitySettings!.signingCertificateName, "contoso-signing");
    assert.strictEqual(as2.receiveAgreement.protocolSettings.securitySettings!.signingCertificateName, "fabrikam-as2");
  });

  it("a user override of a receive duplicate check wins over the DR default (and the loader warns)", () => {
    const a: AgreementSpec = {
      ...byProtocol("X12"),
      overrides: {
        settings: { validationSettings: { checkDuplicateGroupControlNumber: false } },
        receive: undefined,
        send: undefined,
      },
    };
    assert.strictEqual(
      directionSettings(a as AgreementSpec & { protocol: "X12" }, "receive").validationSettings
        .checkDuplicateGroupControlNumber,
      false,
    );
  });

  it("content keys are sorted at every level (deterministic JSON)", () => {
    const content = buildAgreementContent(byProtocol("Edifact"));
    assert.strictEqual(JSON.stringify(content), JSON.stringify(canonical(content)));
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (v !== null && typeof v === "object") {
        const keys = Object.keys(v);
        assert.deepStrictEqual(keys, [...keys].sort());
        Object.values(v).forEach(walk);
      }
    };
    walk(content);
  });

  it("generated control-number ranges come from the send side; AS2 has none", () => {
    const ranges = generatedControlNumbers(byProtocol("Edifact"));
    assert.deepStrictEqual(ranges?.interchange, { lower: 1, upper: 99999999, rollover: true });
    assert.strictEqual(generatedControlNumbers(byProtocol("AS2")), undefined);
  });

  it("any override of a known field lands in the content, and nothing required goes missing (property)", () => {
    const a = byProtocol("X12");
    const fields = REQUIRED.X12.envelopeSettings.split(" ");
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.constantFrom("settings", "send", "receive"),
        fc.integer({ min: 1, max: 999999999 }),
        (field, layer, n) => {
          const sample = oneWays(a).sendAgreement.protocolSettings.envelopeSettings![field];
          const value = typeof sample === "number" ? n : typeof sample === "boolean" ? n % 2 === 0 : `v${n}`;
          const spec: AgreementSpec = {
            ...a,
            overrides: {
              settings: undefined,
              receive: undefined,
              send: undefined,
              [layer]: { envelopeSettings: { [field]: value } },
            },
          };
          const built = oneWays(spec);
          for (const direction of ["receiveAgreement", "sendAgreement"] as const) {
            const applies = layer === "settings" || `${layer}Agreement` === direction;
            const got = built[direction].protocolSettings.envelopeSettings![field];
            if (applies) assert.deepStrictEqual(got, value);
            for (const f of fields)
              assert.notStrictEqual(built[direction].protocolSettings.envelopeSettings![f], undefined);
          }
        },
      ),
    );
  });
});
