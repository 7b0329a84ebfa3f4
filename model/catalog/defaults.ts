/**
 * Documented defaults for agreement protocol settings: every field that ARM's 2019-05-01 agreement
 * content requires, for X12, EDIFACT and AS2 (Microsoft.Logic 2019-05-01 agreement content, https://learn.microsoft.com/azure/templates/microsoft.logic/2019-05-01/integrationaccounts/agreements; known-good values as the portal and the VS Code Logic Apps extension fill them in).
 *
 * The `satisfies` clauses make the TypeScript compiler prove that no required field is missing and
 * no unknown field is present; `test/agreements.test.ts` also checks the field list by name.
 *
 * Catalog overrides are deep-merged on top of these (see `agreements.ts`). `schemaReferences` are not
 * defaults: they come from the agreement's `schemas` list in the catalog.
 *
 * DR choices (differ from the portal's defaults):
 * - X12/EDIFACT receive agreements check interchange, group and transaction-set control numbers for
 *   duplicates (the DR prerequisite, https://learn.microsoft.com/azure/logic-apps/logic-apps-enterprise-integration-b2b-business-continuity).
 * - AS2 receive agreements check for duplicate messages, so a partner's resend after failover is caught.
 */
import type * as inputs from "@pulumi/azure-native/types/input";

type Settings<T> = Omit<T, "schemaReferences">;

/** Bounds for ISA13, GS06 and ST02: "a minimum of 1 and a maximum of 999999999" (https://learn.microsoft.com/azure/logic-apps/logic-apps-enterprise-integration-x12-message-settings). */
export const CONTROL_NUMBER_MIN = 1;
export const CONTROL_NUMBER_MAX = 999_999_999;
/** EDIFACT UNB 0020 is an..14: prefix + counter + suffix must fit (https://learn.microsoft.com/azure/logic-apps/logic-apps-enterprise-integration-edifact-message-settings). */
export const EDIFACT_CONTROL_REFERENCE_MAX_LENGTH = 14;

export const X12_DEFAULTS = {
  acknowledgementSettings: {
    acknowledgementControlNumberLowerBound: CONTROL_NUMBER_MIN,
    acknowledgementControlNumberUpperBound: CONTROL_NUMBER_MAX,
    batchFunctionalAcknowledgements: false,
    batchImplementationAcknowledgements: false,
    batchTechnicalAcknowledgements: false,
    needFunctionalAcknowledgement: false,
    needImplementationAcknowledgement: false,
    needLoopForValidMessages: false,
    needTechnicalAcknowledgement: false,
    rolloverAcknowledgementControlNumber: true,
    sendSynchronousAcknowledgement: false,
  },
  envelopeSettings: {
    controlStandardsId: 85,
    controlVersionNumber: "00401",
    enableDefaultGroupHeaders: true,
    groupControlNumberLowerBound: CONTROL_NUMBER_MIN,
    groupControlNumberUpperBound: CONTROL_NUMBER_MAX,
    groupHeaderAgencyCode: "X",
    groupHeaderDateFormat: "CCYYMMDD",
    groupHeaderTimeFormat: "HHMM",
    groupHeaderVersion: "00401",
    interchangeControlNumberLowerBound: CONTROL_NUMBER_MIN,
    interchangeControlNumberUpperBound: CONTROL_NUMBER_MAX,
    overwriteExistingTransactionSetControlNumber: true,
    receiverApplicationId: "",
    rolloverGroupControlNumber: true,
    rolloverInterchangeControlNumber: true,
    rolloverTransactionSetControlNumber: true,
    senderApplicationId: "",
    transactionSetControlNumberLowerBound: CONTROL_NUMBER_MIN,
    transactionSetControlNumberUpperBound: CONTROL_NUMBER_MAX,
    usageIndicator: "Test",
    useControlStandardsIdAsRepetitionCharacter: false,
  },
  framingSettings: {
    characterSet: "UTF8",
    componentSeparator: 58, // ':'
    dataElementSeparator: 42, // '*'
    replaceCharacter: 36, // '$'
    replaceSeparatorsInPayload: false,
    segmentTerminator: 126, // '~'
    segmentTerminatorSuffix: "None",
  },
  messageFilter: { messageFilterType: "Exclude" },
  processingSettings: {
    convertImpliedDecimal: false,
    createEmptyXmlTagsForTrailingSeparators: true,
    maskSecurityInfo: true,
    preserveInterchange: false,
    suspendInterchangeOnError: false,
    useDotAsDecimalSeparator: false,
  },
  securitySettings: { authorizationQualifier: "00", securityQualifier: "00" },
  validationSettings: {
    allowLeadingAndTrailingSpacesAndZeroes: false,
    checkDuplicateGroupControlNumber: false,
    checkDuplicateInterchangeControlNumber: false,
    checkDuplicateTransactionSetControlNumber: false,
    interchangeControlNumberValidityDays: 30,
    trailingSeparatorPolicy: "NotAllowed",
    trimLeadingAndTrailingSpacesAndZeroes: false,
    validateCharacterSet: true,
    validateEDITypes: true,
    validateXSDTypes: false,
  },
} satisfies Settings<inputs.logic.X12ProtocolSettingsArgs>;

export const EDIFACT_DEFAULTS = {
  acknowledgementSettings: {
    acknowledgementControlNumberLowerBound: CONTROL_NUMBER_MIN,
    acknowledgementControlNumberUpperBound: CONTROL_NUMBER_MAX,
    batchFunctionalAcknowledgements: false,
    batchTechnicalAcknowledgements: false,
    needFunctionalAcknowledgement: false,
    needLoopForValidMessages: false,
    needTechnicalAcknowledgement: false,
    rolloverAcknowledgementControlNumber: true,
    sendSynchronousAcknowledgement: false,
  },
  envelopeSettings: {
    applyDelimiterStringAdvice: false,
    createGroupingSegments: false,
    enableDefaultGroupHeaders: true,
    groupControlNumberLowerBound: CONTROL_NUMBER_MIN,
    groupControlNumberUpperBound: CONTROL_NUMBER_MAX,
    interchangeControlNumberLowerBound: CONTROL_NUMBER_MIN,
    interchangeControlNumberUpperBound: CONTROL_NUMBER_MAX,
    isTestInterchange: false,
    overwriteExistingTransactionSetControlNumber: true,
    rolloverGroupControlNumber: true,
    rolloverInterchangeControlNumber: true,
    rolloverTransactionSetControlNumber: true,
    transactionSetControlNumberLowerBound: CONTROL_NUMBER_MIN,
    transactionSetControlNumberUpperBound: CONTROL_NUMBER_MAX,
  },
  framingSettings: {
    characterSet: "UNOB",
    componentSeparator: 58, // ':'
    dataElementSeparator: 43, // '+'
    decimalPointIndicator: "Comma",
    protocolVersion: 1,
    releaseIndicator: 63, // '?'
    repetitionSeparator: 42, // '*'
    segmentTerminator: 39, // "'"
    segmentTerminatorSuffix: "None",
  },
  messageFilter: { messageFilterType: "Exclude" },
  processingSettings: {
    createEmptyXmlTagsForTrailingSeparators: true,
    maskSecurityInfo: true,
    preserveInterchange: false,
    suspendInterchangeOnError: false,
    useDotAsDecimalSeparator: false,
  },
  validationSettings: {
    allowLeadingAndTrailingSpacesAndZeroes: false,
    checkDuplicateGroupControlNumber: false,
    checkDuplicateInterchangeControlNumber: false,
    checkDuplicateTransactionSetControlNumber: false,
    interchangeControlNumberValidityDays: 30,
    trailingSeparatorPolicy: "NotAllowed",
    trimLeadingAndTrailingSpacesAndZeroes: false,
    validateCharacterSet: true,
    validateEDITypes: true,
    validateXSDTypes: false,
  },
} satisfies Settings<inputs.logic.EdifactProtocolSettingsArgs>;

const AS2_CONNECTION_DEFAULTS = {
  ignoreCertificateNameMismatch: false,
  keepHttpConnectionAlive: true,
  supportHttpStatusCodeContinue: true,
  unfoldHttpHeaders: true,
};

export const AS2_DEFAULTS = {
  acknowledgementConnectionSettings: AS2_CONNECTION_DEFAULTS,
  envelopeSettings: {
    autogenerateFileName: false,
    fileNameTemplate: "%FILE().ReceivedFileName%",
    messageContentType: "text/plain",
    suspendMessageOnFileNameGenerationError: true,
    transmitFileNameInMimeHeader: false,
  },
  errorSettings: { resendIfMDNNotReceived: false, suspendDuplicateMessage: false },
  mdnSettings: {
    micHashingAlgorithm: "SHA2256",
    needMDN: true,
    sendInboundMDNToMessageBox: true,
    sendMDNAsynchronously: false,
    signMDN: false,
    signOutboundMDNIfOptional: false,
  },
  messageConnectionSettings: AS2_CONNECTION_DEFAULTS,
  securitySettings: {
    enableNRRForInboundDecodedMessages: false,
    enableNRRForInboundEncodedMessages: false,
    enableNRRForInboundMDN: false,
    enableNRRForOutboundDecodedMessages: false,
    enableNRRForOutboundEncodedMessages: false,
    enableNRRForOutboundMDN: false,
    overrideGroupSigningCertificate: false,
  },
  validationSettings: {
    checkCertificateRevocationListOnReceive: false,
    checkCertificateRevocationListOnSend: false,
    checkDuplicateMessage: false,
    compressMessage: false,
    encryptMessage: false,
    encryptionAlgorithm: "AES256",
    interchangeDuplicatesValidityDays: 5,
    overrideMessageProperties: false,
    signMessage: false,
  },
} satisfies Settings<inputs.logic.AS2ProtocolSettingsArgs>;

/** What a receive agreement changes on top of the protocol defaults (the DR prerequisites). */
export const RECEIVE_DEFAULTS = {
  X12: {
    validationSettings: {
      checkDuplicateGroupControlNumber: true,
      checkDuplicateInterchangeControlNumber: true,
      checkDuplicateTransactionSetControlNumber: true,
    },
  },
  Edifact: {
    validationSettings: {
      checkDuplicateGroupControlNumber: true,
      checkDuplicateInterchangeControlNumber: true,
      checkDuplicateTransactionSetControlNumber: true,
    },
  },
  AS2: { validationSettings: { checkDuplicateMessage: true } },
} as const;

export type X12Settings = typeof X12_DEFAULTS;
export type EdifactSettings = typeof EDIFACT_DEFAULTS;
export type As2Settings = typeof AS2_DEFAULTS;

/**
 * Optional fields a catalog may set, beyond the required ones above, by protocol and block.
 * Anything else in an override is reported as an unknown key.
 */
export const OPTIONAL_FIELDS = {
  X12: {
    acknowledgementSettings: [
      "acknowledgementControlNumberPrefix",
      "acknowledgementControlNumberSuffix",
      "functionalAcknowledgementVersion",
      "implementationAcknowledgementVersion",
    ],
    envelopeSettings: ["functionalGroupId", "transactionSetControlNumberPrefix", "transactionSetControlNumberSuffix"],
  },
  Edifact: {
    acknowledgementSettings: ["acknowledgementControlNumberPrefix", "acknowledgementControlNumberSuffix"],
    envelopeSettings: [
      "applicationReferenceId",
      "communicationAgreementId",
      "functionalGroupId",
      "groupControlNumberPrefix",
      "groupControlNumberSuffix",
      "interchangeControlNumberPrefix",
      "interchangeControlNumberSuffix",
      "transactionSetControlNumberPrefix",
      "transactionSetControlNumberSuffix",
      "processingPriorityCode",
    ],
    framingSettings: ["characterEncoding", "serviceCodeListDirectoryVersion"],
  },
  AS2: {
    mdnSettings: ["dispositionNotificationTo", "mdnText", "receiptDeliveryUrl"],
    securitySettings: ["encryptionCertificateName", "sha2AlgorithmFormat", "signingCertificateName"],
    validationSettings: ["signingAlgorithm"],
  },
} as const satisfies Record<string, Record<string, readonly string[]>>;
