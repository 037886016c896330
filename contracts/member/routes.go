package member

import "github.com/partychain/partychain/contracts"

// Routes binds the ledger's messages to their checks and handlers.
func (k *Keeper) Routes() []contracts.Route {
	return []contracts.Route{
		contracts.NewRoute("member/register-applicant", ValidateRegisterApplicant, k.RegisterApplicant),
		contracts.NewRoute("member/record-talk", ValidateRecordTalk, k.RecordTalk),
		contracts.NewRoute("member/appoint-activist", ValidateAppointActivist, k.AppointActivist),
		contracts.NewRoute("member/advance-to-target", ValidateAdvanceToTarget, k.AdvanceToTarget),
		contracts.NewRoute("member/propose-admission", ValidateProposeAdmission, k.ProposeAdmission),
		contracts.NewRoute("member/approve-admission", ValidateApproveAdmission, k.ApproveAdmission),
		contracts.NewRoute("member/record-oath", ValidateRecordOath, k.RecordOath),
		contracts.NewRoute("member/propose-full-membership", ValidateProposeFullMembership, k.ProposeFullMembership),
		contracts.NewRoute("member/approve-full-membership", ValidateApproveFullMembership, k.ApproveFullMembership),
		contracts.NewRoute("member/transfer-out", ValidateTransferOut, k.TransferOut),
		contracts.NewRoute("member/accept-transfer", ValidateAcceptTransfer, k.AcceptTransfer),
		contracts.NewRoute("member/reject-transfer", ValidateRejectTransfer, k.RejectTransfer),
		contracts.NewRoute("member/register-flowing", ValidateRegisterFlowing, k.RegisterFlowing),
		contracts.NewRoute("member/end-flowing", ValidateEndFlowing, k.EndFlowing),
		contracts.NewRoute("member/discipline", ValidateDiscipline, k.Discipline),
		contracts.NewRoute("member/record-exit", ValidateRecordExit, k.RecordExit),
		contracts.NewRoute("member/import", ValidateImportMember, k.ImportMember),
	}
}
