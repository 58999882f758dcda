//! Storage for NTM Số: the only crate with SQL.
//!
//! One [`Db`] enum over a SQLite or PostgreSQL pool; every method works on both engines.
//! Writes that change several rows run in one transaction together with their audit entry
//! (see [`Db::append_audit`]).
#![forbid(unsafe_code)]

mod api_tokens;
mod areas;
mod audit;
mod backup;
mod boundaries;
mod bulk;
mod commune_groups;
mod criteria_set_versions;
mod criteria_sets;
mod db;
mod dossiers;
mod evaluation_changes;
mod features;
mod feedback;
mod login_throttle;
mod measures;
mod notifications;
mod observations;
mod ocop;
mod plans;
mod portal;
mod reports;
mod sessions;
mod settings;
mod succession;
mod survey_answers;
mod survey_phones;
mod surveys;
mod tourism;
mod trace;
mod trace_origins;
mod units;
mod users;
mod values;

pub use api_tokens::ApiTokenRecord;
pub use areas::{AreaCertificationRecord, AreaRecord, AreaSeasonRecord};
pub use backup::{ReadSnapshot, TableFingerprint};
pub use boundaries::{
    BoundaryGeometry, BoundarySummary, BoundaryWrite, ShapeOn, UnitBoundaryRecord, UnitShape,
};
pub use commune_groups::CommuneGroupRecord;
pub use criteria_set_versions::{
    CriteriaSetVersion, DraftChange, DraftUpdate, NATIONAL_SCOPE, Publish, STATUS_DRAFT,
    STATUS_PUBLISHED,
};
pub use criteria_sets::CriteriaSetFile;
pub use db::{Backend, Db, Result, StoreError, db_time};
pub use dossiers::{DossierDocumentRecord, DossierEventRecord, DossierRecord, ProcedureSetting};
pub use evaluation_changes::{Change, EvaluationChange, PRUNED as FEED_PRUNED, ScopeChange};
pub use features::{
    AreaFeatureRow, BoundaryOutline, FeatureWindow, FeedbackFeatureRow, OcopFeatureRow,
    PUBLISHED_FEEDBACK, PeriodShape, TourismFeatureRow, UnitStatusKey, UnitStatusRow,
    UnitStatusWindow,
};
pub use feedback::{
    FeedbackCategoryRecord, FeedbackEventRecord, FeedbackFilter, FeedbackListRow,
    FeedbackPhotoRecord, FeedbackReportRecord, FeedbackRouteRecord, FeedbackStep,
    FeedbackTemplateRecord, OutlineHit,
};
pub use notifications::{NotificationRecord, RoleHolder};
pub use observations::{NewObservation, ObservationFile, ObservationRecord, UnitSelection};
pub use ocop::{
    CatalogueFilter, CatalogueRow, DueReminder, ImportItem, OcopDecisionRecord, OcopDocumentRecord,
    OcopProducerRecord, OcopProductRecord, OcopRoundRecord, OcopSheetRecord,
};
pub use plans::{MeasureValueRecord, TaskStatusRecord};
pub use portal::{
    PortalPhotoRecord, PortalPostFilter, PortalPostRecord, PortalProgrammeRecord,
    PortalSegmentRecord,
};
pub use reports::{ReportClosureRecord, ReportRecord, ReportVersionRecord};
pub use sessions::SessionRecord;
pub use survey_answers::{AnswerWriter, PhoneAnswer, PublicAnswer, WalCheckpointer, answer_time};
pub use survey_phones::SurveyPhoneList;
pub use surveys::{
    NewSurveyAnswer, SurveyCampaignRecord, SurveyContentCount, SurveyCount, SurveyHouseholds,
    TokenAnswer, TokenCount,
};
pub use tourism::{
    TourismAudioRecord, TourismPhotoRecord, TourismPointFilter, TourismPointRecord,
    TourismPointWrite, TourismTourRecord,
};
pub use trace::{
    CaptureCounts, EventFilter, LotLinkRecord, LotRecord, NewTraceEvent, TraceEventRecord,
};
pub use trace_origins::{LotOriginRecord, LotWithOrigin};
pub use units::SnapshotRecord;
pub use users::UserRecord;
pub use values::CurrentValue;
