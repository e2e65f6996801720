//! `qualify.yaml`: the campaign's project file, loaded into a checked [`Config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::adapter::AdapterConfig;
use super::adapter_check::check_adapter;
use super::component::Component;
use super::error::{ConfigError, line_of_key};
use super::impact::ImpactConfig;
use super::requirements::Requirements;
use super::signing::SigningSettings;
use super::workflow::WorkflowConfig;

/// Descriptive fields shown in reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectInfo {
    /// Name of the validation project.
    #[serde(default)]
    pub name: String,
    /// The system under test.
    #[serde(default)]
    pub system: String,
    /// Purpose of the validation.
    #[serde(default)]
    pub purpose: String,
    /// Scope.
    #[serde(default)]
    pub scope: String,
    /// Intended use of the system.
    #[serde(default)]
    pub intended_use: String,
}

/// The raw file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_version")]
    version: u32,
    #[serde(default)]
    project: ProjectInfo,
    #[serde(default = "default_features")]
    features: PathBuf,
    #[serde(default = "default_evidence")]
    evidence: PathBuf,
    #[serde(default = "default_requirements")]
    requirements: PathBuf,
    #[serde(default)]
    concurrency: Option<usize>,
    #[serde(default)]
    adapters: BTreeMap<String, AdapterConfig>,
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default = "default_signers")]
    signers: PathBuf,
    #[serde(default)]
    workflow: WorkflowConfig,
    #[serde(default)]
    impact: ImpactConfig,
    #[serde(default)]
    report: ReportSettings,
    #[serde(default)]
    signing: SigningSettings,
}

/// `report:` in qualify.yaml: how reports are rendered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// The project's own HTML template (tera), relative to the config's folder; the built-in
    /// `templates/report.html.tera` when absent. See docs/reports.md.
    #[serde(default)]
    pub template: Option<PathBuf>,
}

fn default_version() -> u32 {
    1
}
fn default_features() -> PathBuf {
    PathBuf::from("features")
}
fn default_evidence() -> PathBuf {
    PathBuf::from("evidence")
}
fn default_requirements() -> PathBuf {
    PathBuf::from("requirements.yaml")
}
fn default_signers() -> PathBuf {
    PathBuf::from("signers.yaml")
}

/// A loaded, checked project configuration with paths resolved against the config's folder.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file.
    pub path: PathBuf,
    /// Its folder: the project root; relative paths are resolved against it.
    pub dir: PathBuf,
    /// Descriptive fields.
    pub project: ProjectInfo,
    /// Features folder (absolute).
    pub features: PathBuf,
    /// Evidence folder (absolute).
    pub evidence: PathBuf,
    /// Requirements file (absolute).
    pub requirements_path: PathBuf,
    /// The requirements.
    pub requirements: Requirements,
    /// Maximum scenarios running at once.
    pub concurrency: usize,
    /// Adapters by name.
    pub adapters: BTreeMap<String, AdapterConfig>,
    /// Components for impact assessment.
    pub components: Vec<Component>,
    /// The signers registry (absolute; it need not exist until something is signed).
    pub signers: PathBuf,
    /// The signature workflow.
    pub workflow: WorkflowConfig,
    /// Impact assessment settings.
    pub impact: ImpactConfig,
    /// The folder of signed human assessments (absolute).
    pub assessments_dir: PathBuf,
    /// Time-stamping settings (`signing:`), with `tsa_ca` resolved against the config's folder.
    pub signing: SigningSettings,
    /// The project's HTML report template (absolute), if it has one.
    pub report_template: Option<PathBuf>,
}

impl Config {
    /// Loads `path` and the requirements file it names, and checks them.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = super::read_text(path)?;
        let dir = path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));
        Config::parse(path, &text, dir, Requirements::load)
    }

    /// Parses and checks config text as [`Config::load`] does: `path` names the file in errors,
    /// `dir` is the project folder paths resolve against, and `requirements` loads the
    /// requirements file the config names (the fuzz target `config` parses it from memory).
    pub fn parse(
        path: &Path,
        text: &str,
        dir: PathBuf,
        requirements: impl FnOnce(&Path) -> Result<Requirements, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let raw: RawConfig =
            serde_norway::from_str(text).map_err(|e| ConfigError::from_yaml(path, e))?;
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: line_of_key(text, key),
            message,
        };
        if raw.version != 1 {
            return Err(invalid(
                "version",
                format!(
                    "config version {} is not supported; this qualify reads version 1",
                    raw.version
                ),
            ));
        }
        for (name, adapter) in &raw.adapters {
            check_adapter(name, adapter).map_err(|m| invalid(name, m))?;
        }
        let concurrency = raw.concurrency.unwrap_or(4);
        if concurrency == 0 {
            return Err(invalid(
                "concurrency",
                "concurrency must be at least 1".into(),
            ));
        }
        let requirements_path = dir.join(&raw.requirements);
        let requirements = load_requirements(path, text, &requirements_path, requirements)?;
        let mut seen = std::collections::BTreeSet::new();
        for component in &raw.components {
            if !seen.insert(component.id.clone()) {
                return Err(invalid(
                    "components",
                    format!("component `{}` is declared twice", component.id),
                ));
            }
            if component.paths.is_empty() {
                return Err(invalid(
                    "components",
                    format!(
                        "component `{}` has no paths; list the globs it owns",
                        component.id
                    ),
                ));
            }
            for req in &component.requirements {
                if requirements.get(req).is_none() {
                    return Err(invalid(
                        "components",
                        format!(
                            "component `{}` names requirement `{req}`, which {} does not define",
                            component.id,
                            requirements_path.display()
                        ),
                    ));
                }
            }
        }
        raw.workflow.check().map_err(|m| invalid("workflow", m))?;
        raw.signing.check().map_err(|m| invalid("signing", m))?;
        let mut signing = raw.signing;
        signing.tsa_ca = signing.tsa_ca.map(|ca| dir.join(ca));
        Ok(Self {
            signing,
            path: path.to_path_buf(),
            signers: dir.join(&raw.signers),
            workflow: raw.workflow,
            assessments_dir: dir.join(&raw.impact.assessments),
            impact: raw.impact,
            features: dir.join(&raw.features),
            evidence: dir.join(&raw.evidence),
            requirements_path,
            requirements,
            concurrency,
            adapters: raw.adapters,
            components: raw.components,
            report_template: raw.report.template.map(|t| dir.join(t)),
            project: raw.project,
            dir,
        })
    }

    /// Path relative to the project root, with `/` separators, for evidence and messages.
    pub fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.dir).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }
}

/// Loads the requirements file qualify.yaml names. A missing one is reported with the entry that
/// names it: the generic "run qualify in the project folder" would mislead, the user is in it.
fn load_requirements(
    config: &Path,
    text: &str,
    requirements_path: &Path,
    load: impl FnOnce(&Path) -> Result<Requirements, ConfigError>,
) -> Result<Requirements, ConfigError> {
    load(requirements_path).map_err(|e| match e {
        ConfigError::NotFound { path } if path == requirements_path => {
            ConfigError::RequirementsNotFound {
                path,
                config: config.to_path_buf(),
                line: line_of_key(text, "requirements").unwrap_or(1),
            }
        }
        other => other,
    })
}
