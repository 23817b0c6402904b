//! Chinese first, English on request: the page's language comes from a cookie set by the
//! switch in the header, and every text in the templates passes through `t`.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use super::session;

pub const LANG_COOKIE: &str = "luoshi_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// What the page being rendered needs to know about its request.
#[derive(Debug, Clone)]
struct Page {
    lang: Lang,
    path: String,
}

tokio::task_local! {
    static PAGE: Page;
}

/// Runs the request with its language and path at hand for the templates.
pub async fn scope(req: Request, next: Next) -> Response {
    let lang = match session::cookie(req.headers(), LANG_COOKIE).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    };
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    PAGE.scope(Page { lang, path }, next.run(req)).await
}

pub fn lang() -> Lang {
    PAGE.try_with(|p| p.lang).unwrap_or(Lang::Zh)
}

/// The page's own address, encoded to travel in a query string.
pub fn path() -> String {
    let path = PAGE
        .try_with(|p| p.path.clone())
        .unwrap_or_else(|_| "/".into());
    super::view::url_encode(&path)
}

/// `text` in the page's language, with `{0}`, `{1}` … replaced by `args`.
pub fn t(text: &str, args: &[String]) -> String {
    let pattern = match lang() {
        Lang::Zh => text,
        Lang::En => english(text).unwrap_or(text),
    };
    args.iter()
        .enumerate()
        .fold(pattern.to_string(), |s, (i, a)| {
            s.replace(&format!("{{{i}}}"), a)
        })
}

/// A message from the services or a form check, in the page's language. Messages are built
/// in Chinese with names and numbers inside; in English the pattern is recognised, its holes
/// carried over (labels among them translated), and a list joined by ";" translated piece by
/// piece. A message nobody translated stays Chinese rather than half-English.
pub fn message(text: &str) -> String {
    if lang() == Lang::Zh {
        return text.to_string();
    }
    english_message(text).unwrap_or_else(|| text.to_string())
}

/// A step of the timeline, which says what was done: "Assigned", where the same Chinese word
/// on a button asks for it ("Assign").
pub fn event(text: &str) -> String {
    if lang() == Lang::Zh {
        return text.to_string();
    }
    let done = match text {
        "立项" => "Registered",
        "交办" => "Assigned",
        "签收" => "Signed",
        "反馈进展" => "Progress reported",
        "申请办结" => "Closure requested",
        "退回" => "Returned",
        "办结" => "Closed",
        "催办" => "Reminded",
        "申请延期" => "Extension requested",
        "同意延期" => "Extension approved",
        "不同意延期" => "Extension refused",
        "撤销" => "Cancelled",
        "问责" => "Held to account",
        "通报表扬" => "Praised in a bulletin",
        "通报批评" => "Criticised in a bulletin",
        "考核加减分" => "Score adjusted",
        "强制办结" => "Closed by override",
        "机构调整" => "Reorganised",
        "改派" => "Reassigned",
        "修改" => "Edited",
        "上传附件" => "File attached",
        "领导批示" => "Leader's instruction",
        "领导圈阅" => "Read by the leader",
        "领导肯定" => "Praised by the leader",
        "设定量化指标" => "Indicator set",
        "退回反馈" => "Report sent back",
        other => return message(other),
    };
    done.to_string()
}

fn english_message(text: &str) -> Option<String> {
    if let Some(en) = english(text) {
        return Some(en.to_string());
    }
    let parts: Vec<&str> = text.split(';').collect();
    if parts.len() > 1 {
        let english: Option<Vec<String>> = parts.iter().map(|p| english_message(p)).collect();
        if let Some(english) = english {
            return Some(english.join("; "));
        }
    }
    for (zh, en) in MESSAGES {
        if let Some(holes) = holes(zh, text) {
            let mut out = en.to_string();
            for (i, hole) in holes.iter().enumerate() {
                let hole = english(hole).unwrap_or(hole);
                out = out.replace(&format!("{{{i}}}"), hole);
            }
            return Some(out);
        }
    }
    None
}

/// What fills the `{}` holes of `pattern` to make `text`, if it does.
fn holes<'t>(pattern: &str, text: &'t str) -> Option<Vec<&'t str>> {
    let mut literals = pattern.split("{}");
    let first = literals.next().unwrap_or("");
    let mut rest = text.strip_prefix(first)?;
    let mut out = Vec::new();
    let literals: Vec<&str> = literals.collect();
    for (i, lit) in literals.iter().enumerate() {
        let last = i + 1 == literals.len();
        let at = if last {
            rest.strip_suffix(lit)?.len()
        } else if lit.is_empty() {
            return None;
        } else {
            rest.find(lit)?
        };
        if at == 0 {
            return None;
        }
        out.push(&rest[..at]);
        rest = &rest[at + lit.len()..];
    }
    (rest.is_empty()).then_some(out)
}

/// Messages with names or numbers inside: the Chinese with `{}` holes, the English with `{0}` ….
const MESSAGES: &[(&str, &str)] = &[
    (
        "满意度“{}”无效,应为 satisfied(满意)、basically(基本满意)或 unsatisfied(不满意)",
        "“{0}” is not a rating; give satisfied, basically or unsatisfied",
    ),
    (
        "已结束 {} 在所有设备上的登录,接口令牌一并作废:{}",
        "{0} is signed out on every device; these API tokens ended too: {1}",
    ),
    (
        "已结束 {} 在所有设备上的登录",
        "{0} is signed out on every device",
    ),
    (
        "尚有{}项下级事项未办结({}),不能申请办结",
        "Sub-matters still open: {0} ({1}); completion cannot be asked for yet",
    ),
    (
        "尚有{}项下级事项未办结,不能申请办结",
        "Sub-matters still open: {0}; completion cannot be asked for yet",
    ),
    (
        "尚有{}项下级事项未办结({}),不能办结;督查人员可填写理由后强制办结",
        "Sub-matters still open: {0} ({1}); a supervisor may still close it, giving a reason",
    ),
    (
        "尚有{}项下级事项未办结,不能办结;督查人员可填写理由后强制办结",
        "Sub-matters still open: {0}; a supervisor may still close it, giving a reason",
    ),
    (
        "当前状态为“{}”,不能{}",
        "The matter is “{0}”; it cannot be given “{1}” now",
    ),
    (
        "上级事项当前状态为“{}”,不能再分解",
        "The parent matter is “{0}” and can no longer be divided",
    ),
    (
        "“{}”不在本级管辖范围内",
        "“{0}” is outside your jurisdiction",
    ),
    ("单位 {} 不存在", "Unit {0} does not exist"),
    ("用户 {} 不存在", "User {0} does not exist"),
    ("已添加单位“{}”", "Unit “{0}” added"),
    (
        "已导入 {} 个单位,没有新增人员",
        "{0} units imported; nobody new",
    ),
    ("已保存单位“{}”", "Unit “{0}” saved"),
    ("已添加“{}”", "{0} added"),
    (
        "事项 {} 不存在或无权查看",
        "Matter {0} does not exist or is not yours to see",
    ),
    (
        "事项名称不能超过{}字",
        "The title may be at most {0} characters",
    ),
    (
        "事项内容不能超过{}字",
        "The content may be at most {0} characters",
    ),
    ("请填写{}", "Please fill in: {0}"),
    (
        "该延期申请正等待{}审批",
        "The extension is waiting for {0} to decide",
    ),
    ("找不到单位:{}", "No unit is called {0}"),
    (
        "“{}”对应多个单位,请写全称",
        "“{0}” matches several units; write the full name",
    ),
    (
        "第{}行应写作“2026-06-30 50 完成招标”(日期、进度、目标)",
        "Line {0} should read “2026-06-30 50 Tender done” (date, percent, target)",
    ),
    ("事项 {}:{}", "Matter {0}: {1}"),
    ("{}“{}”无效", "{0} “{1}” is not valid"),
    (
        "登录失败次数过多,请{}分钟后再试",
        "Too many failed sign-ins; try again in {0} minutes",
    ),
    ("未找到单位“{}”", "No unit is called “{0}”"),
    (
        "“{}”按简称对应“{}”,请核对",
        "“{0}” was matched by abbreviation to “{1}”; please check",
    ),
    (
        "未写明完成时限,导入时按{}年12月31日",
        "No deadline written; 31 Dec {0} will be used",
    ),
    (
        "有 {} 行存在问题,请修正后再导入,或确认只导入没有问题的行",
        "{0} rows have problems: correct them, or confirm importing only the rows without problems",
    ),
    (
        "责任领导“{}”未对应到领导账号,导入后请补选",
        "The leader “{0}” matches no leader's account; choose one after importing",
    ),
    (
        "以下事项未能签收,其余已签收。{}",
        "These matters could not be signed; the rest were. {0}",
    ),
    (
        "排序方式“{}”无效,可选 deadline、-deadline、newest、number",
        "Sort order “{0}” is not valid; use deadline, -deadline, newest or number",
    ),
];

/// The English of a Chinese text shown on the pages; `None` leaves it in Chinese.
fn english(zh: &str) -> Option<&'static str> {
    Some(match zh {
        "落实" => "Luoshi",
        "督查督办" => "Follow-through",
        "主菜单" => "Main menu",
        "菜单" => "Menu",
        "工作台" => "Workbench",
        "事项" => "Matters",
        "情况要明" => "Overview",
        "登记事项" => "Register a matter",
        "退出" => "Sign out",
        "登录" => "Sign in",
        "登录未成功" => "Sign-in failed",
        "用户名" => "Username",
        "密码" => "Password",
        "用户名或密码错误" => "Wrong username or password",
        "请填写用户名和密码" => "Enter your username and password",
        "待签收 {0} 件,待反馈 {1} 件。" => "{0} to sign, {1} to report on.",
        "待签收" => "To sign",
        "签收" => "Sign",
        "全部签收({0} 件)" => "Sign all ({0})",
        "待反馈(按完成时限排序)" => "To report on (soonest deadline first)",
        "反馈" => "Report",
        "被退回,需补充办理" => "Returned to you: more work needed",
        "红灯 {0} 件,无回音单位 {1} 个,待审核办结 {2} 件,待审批延期 {3} 件。" => {
            "{0} red, {1} units gone quiet, {2} completions to review, {3} extensions to approve."
        }
        "分管单位排名(按红灯、逾期、无回音排序)" => {
            "Units in my charge, worst first (red, overdue, no answer)"
        }
        "各单位排名(按红灯、逾期、无回音排序)" => {
            "Units, worst first (red, overdue, no answer)"
        }
        "逾期" => "Overdue",
        "无回音" => "No answer",
        "暂无在办事项" => "No open matters",
        "另有 {0} 个单位,见情况要明" => "{0} more units on the dashboard",
        "红灯事项(已逾期、逾期未反馈或进度严重滞后)" => {
            "Red: overdue, a report overdue, or far behind plan"
        }
        "单位" => "Unit",
        "绿灯" => "Green",
        "黄灯" => "Yellow",
        "红灯" => "Red",
        "待审核的办结申请" => "Completion requests to review",
        "待审批的延期申请" => "Extension requests to approve",
        "无回音的单位(超时未签收或逾期未反馈)" => {
            "Units gone quiet (not signed in time, or a report overdue)"
        }
        "欠回音的事项" => "Matters owed an answer",
        "件件有回音" => "Every matter has an answer",
        "编号" => "Number",
        "完成时限" => "Deadline",
        "预警" => "Light",
        "操作" => "Action",
        "暂无" => "None",
        "牵头" => "Lead",
        "配合" => "Co-unit",
        "牵头:{0}" => "Lead: {0}",
        "剩{0}个工作日" => "{0} working days left",
        "已逾期{0}个工作日" => "{0} working days overdue",
        "持续推进" => "Ongoing",
        "督办编号" => "Number",
        "来源" => "Source",
        "状态" => "State",
        "责任领导" => "Responsible leader",
        "承办单位" => "Units",
        "角色" => "Role",
        "进度" => "Progress",
        "未能办理" => "Could not be done",
        "办结申请" => "Request to close",
        "各配合单位均已报告完成。" => "Every co-unit has reported its part done.",
        "申请后督查室审核时可见各配合单位的情况,也可先请配合单位反馈。" => {
            "The office will see each co-unit's state when it reviews the request; you may ask them to report first."
        }
        "办理过程" => "Timeline",
        "存在问题:" => "Problems: ",
        "下步打算:" => "Next steps: ",
        "满意度:" => "Satisfaction: ",
        "量化指标" => "Indicators",
        "已退回" => "Sent back",
        "退回此反馈" => "Send this report back",
        "已退回该反馈,理由已通知该单位,请其重新反馈" => {
            "Report sent back; the unit has been told why and asked to report again"
        }
        "设定量化指标" => "Set an indicator",
        "指标名称" => "Indicator",
        "计量单位" => "Unit of measure",
        "如:地区生产总值" => "e.g. GDP",
        "如:亿元、%" => "e.g. 100 million yuan, %",
        "基线值" => "Baseline",
        "目标值" => "Target",
        "方向" => "Direction",
        "越高越好" => "Higher is better",
        "越低越好" => "Lower is better",
        "基线日期" => "Baseline date",
        "目标日期" => "Target date",
        "不填则为当年1月1日" => "Blank for 1 January this year",
        "不填则为完成时限,无时限的为当年12月31日" => {
            "Blank for the deadline, or 31 December when there is none"
        }
        "设定" => "Set",
        "{0}本期数值" => "{0}: value now",
        "指标数值:" => "Indicator values: ",
        "序时进度" => "Trajectory",
        "实际值" => "Actual",
        "今天" => "Today",
        "落后序时进度的量化指标" => "Indicators behind their trajectory",
        "指标" => "Indicator",
        "情况" => "Where it stands",
        "量化指标已设定,承办单位反馈时可填报数值" => {
            "Indicator set; the units give its value when they report"
        }
        "满意度" => "Satisfaction",
        "不评价" => "Not rated",
        "强制办结时不评价满意度" => "A close by override is not rated",
        "满意" => "Satisfied",
        "基本满意" => "Basically satisfied",
        "不满意" => "Unsatisfied",
        "子事项" => "Sub-matters",
        "分解到下级单位" => "Split among units below",
        "每个单位各立一个子事项,由该单位牵头;多个单位用顿号或逗号隔开" => {
            "One sub-matter per unit, led by that unit; separate units with commas"
        }
        "子事项名称" => "Sub-matter title",
        "分解" => "Split",
        "督办事项" => "Matters",
        "关键词或编号" => "Words or number",
        "全部" => "All",
        "筛选" => "Filter",
        "排序" => "Order",
        "完成时限不早于" => "Due on or after",
        "完成时限不晚于" => "Due on or before",
        "完成时限由近到远" => "Soonest deadline first",
        "完成时限由远到近" => "Latest deadline first",
        "最新登记" => "Newest first",
        "部分筛选条件无效,已忽略" => "Some filters were not understood and were ignored",
        "共 {0} 件" => "{0} in all",
        ",第 {0}–{1} 件" => ", {0}–{1} shown",
        "事项列表" => "Matters",
        "上一页" => "Previous",
        "导出台账:" => "Export the ledger: ",
        "下一页" => "Next",
        "翻页" => "Pages",
        "登记督办事项" => "Register a matter",
        "请修改以下内容" => "Please correct the following",
        "事项名称" => "Title",
        "工作要求" => "What is required",
        "文件或会议" => "Document or meeting",
        "紧急程度" => "Urgency",
        "牵头单位" => "Lead unit",
        "配合单位" => "Co-units",
        "(不指定)" => "(none)",
        "反馈周期" => "Reporting cadence",
        "向社会公开(公开承诺事项)" => "Public (a public commitment)",
        "登记" => "Register",
        "阶段目标" => "Stage targets",
        "每行一个:日期 进度 目标,如:2026-06-30 50 完成招标" => {
            "One a line: date, percent, target, e.g. 2026-06-30 50 tender done"
        }
        "标签" => "Tags",
        "多个标签用顿号隔开,如:民生实事、重点项目" => {
            "Separate tags with commas"
        }
        "填写单位全称或简称,如:市发改委" => "Full or short name, e.g. 市发改委",
        "多个单位用顿号或逗号隔开,如:市财政局、市住建局" => {
            "Separate units with commas, e.g. 市财政局、市住建局"
        }
        "不填则按来源和紧急程度的办理时限计算(如领导批示件一般15个工作日);持续推进的事项须选择反馈周期或填写报送要求" => {
            "Left empty, the time limit of its source and urgency applies (15 working days for an ordinary instruction); ongoing work needs a cadence or a report rule"
        }
        "如:市政府第12次常务会议纪要(云政阅〔2026〕12号)" => {
            "e.g. minutes of the 12th executive meeting"
        }
        "督办事项共 {0} 件,办结率 {1}。" => "{0} matters in all; {1} closed.",
        "按状态" => "By state",
        "按预警" => "By light",
        "按来源" => "By source",
        "单位情况(按红灯、在办件数排序)" => "Units (most red and open first)",
        "在办" => "Open",
        "办结率" => "Closed",
        "公开承诺事项" => "Public commitments",
        "公开承诺事项办理情况" => "Progress on public commitments",
        "数据更新于 {0}" => "Updated {0}",
        "进度 {0}%" => "{0}% along",
        "已完成" => "Done",
        "已完成,正在核验" => "Done, being verified",
        "未按期完成,正在推进" => "Past its deadline, still under way",
        "正在推进" => "Under way",
        "政府工作报告任务、民生实事等向社会公开的承诺事项,共 {0} 件,已完成 {1} 件。" => {
            "Commitments made public, such as Government Work Report tasks: {0} in all, {1} done."
        }
        "办理情况" => "Progress",
        "暂无公开事项。" => "No public matters yet.",
        "返回工作台" => "Back to the workbench",
        "找不到该页面" => "Page not found",
        "无法完成操作" => "That could not be done",
        "切换语言" => "Language",
        // Values the domain names.
        "立项" => "Draft",
        "已交办" => "Assigned",
        "已签收" => "Signed",
        "办理中" => "In progress",
        "申请办结" => "Completion requested",
        "已办结" => "Closed",
        "已撤销" => "Cancelled",
        "重大决策部署" => "Major decision",
        "政府工作报告" => "Work report",
        "会议议定事项" => "Meeting decision",
        "专项工作" => "Special work",
        "领导批示" => "Leader's instruction",
        "特急" => "Urgent",
        "加急" => "Expedited",
        "一般" => "Normal",
        "办结时反馈" => "On completion",
        "每周" => "Weekly",
        "每月" => "Monthly",
        "每季度" => "Quarterly",
        "系统管理员" => "Administrator",
        "督查人员" => "Supervisor",
        "领导" => "Leader",
        "联络员" => "Liaison",
        "交办" => "Assign",
        "反馈进展" => "Report progress",
        "办结" => "Close",
        "强制办结" => "Forced close",
        "下级事项" => "Sub-matters at every level",
        "由下级事项汇总" => "rolled up from sub-matters",
        "未办结的下级事项" => "Sub-matters still open",
        "{0}项" => "{0}",
        "第{0}级" => "level {0}",
        "下级事项{0}“{1}”为{2}" => "sub-matter {0} “{1}” is {2}",
        "{0}:{1}" => "{0}: {1}",
        "有无权查看的下级事项为{0}" => "a sub-matter you cannot see is {0}",
        "强制办结的理由" => "the reason for closing over open sub-matters",
        "只有督查人员可以在下级事项未办结时强制办结" => {
            "Only supervisors close a matter whose sub-matters are still open"
        }
        "退回" => "Return",
        "催办" => "Remind",
        "申请延期" => "Ask for more time",
        "同意延期" => "Approve the extension",
        "不同意延期" => "Refuse the extension",
        "撤销" => "Cancel",
        "撤销事项" => "Cancel the matter",
        "审核通过,办结" => "Approve and close",
        "进展情况" => "Progress made",
        "完成进度(%)" => "Percent done",
        "存在问题" => "Problems",
        "下步打算" => "Next steps",
        "审核意见" => "Review comment",
        "退回理由" => "Reason for returning",
        "催办内容" => "Message",
        "新的完成时限" => "New deadline",
        "延期理由" => "Reason",
        "审批意见" => "Comment",
        "不同意的理由" => "Reason for refusing",
        "撤销理由" => "Reason for cancelling",
        "请先登录" => "Please sign in first",
        "在其他电脑或手机上登录过、又不确定是否已退出时使用。接口令牌一并作废。" => {
            "Use this if you signed in on another computer or phone and are not sure you signed out. Your API tokens end too."
        }
        "密码已修改,所有设备上的登录均已退出,请用新密码重新登录。" => {
            "Your password was changed and you are signed out on every device; sign in with the new password."
        }
        "已在所有设备上退出。" => "You are signed out on every device.",
        "结束登录" => "End sign-ins",
        "导入通讯录" => "Import a contact list",
        "上传本单位现有的通讯录(.xlsx、.xls 或 .csv),按“单位名称、上级单位、简称、姓名、职务、角色、手机号码、邮箱”等列识别。导入前逐行显示识别结果和问题;同一通讯录再次导入不会重复添加。" => {
            "Upload the contact list you keep (.xlsx, .xls or .csv); its columns are told by their names (单位名称, 上级单位, 简称, 姓名, 职务, 角色, 手机号码, 邮箱). Every row is shown with what was understood and its problems before anything is written; importing the same list again adds nothing twice."
        }
        "通讯录文件" => "Contact list",
        "文件有问题" => "The file has problems",
        "有 {0} 处问题,请在通讯录中修正后重新上传;修正前不会写入任何内容。" => {
            "{0} problems: correct them in the list and upload it again; nothing is written until then."
        }
        "位置" => "Where",
        "结果" => "Result",
        "已有" => "Already there",
        "新增" => "New",
        "导入后将下载新增人员的初始密码表,只提供这一次,请妥善分发;首次登录后须修改。" => {
            "Importing downloads the one-time passwords of the people added, this once: hand them out with care; each must be changed at the first sign-in."
        }
        "导入并下载初始密码表" => "Import and download the passwords",
        "重新选择文件" => "Choose another file",
        "单位管理" => "Units",
        "机构调整" => "Reorganise",
        "修改草稿" => "Edit the draft",
        "确认{0}" => "Confirm: {0}",
        "返回,不{0}" => "Go back without: {0}",
        "此操作记入办理记录,不能撤回。" => {
            "This goes on the record and cannot be taken back."
        }
        "退回、撤销等操作(提交后需再次确认)" => {
            "Returning, cancelling (each confirmed before it is done)"
        }
        "已登记为草稿,可修改后交办" => {
            "Registered as a draft: correct it if need be, then assign it"
        }
        "草稿已保存" => "The draft is saved",
        "已交办,承办单位已收到通知" => "Assigned: the units have been told",
        "进展已反馈" => "Progress reported",
        "已申请办结,等待督查室审核" => {
            "Asked to close: the supervision office will review it"
        }
        "延期申请已提交,等待审批" => "Extension asked for: waiting for approval",
        "已退回,退回理由已通知牵头单位" => {
            "Returned: the lead unit has been told why"
        }
        "已催办,承办单位联络员已收到提醒" => {
            "Reminded: the units' liaisons have been told"
        }
        "已同意延期" => "Extension approved",
        "已不同意延期,理由已记入办理记录" => {
            "Extension refused; the reason is on the record"
        }
        "事项已撤销" => "The matter is cancelled",
        "已改派,新承办单位已收到通知" => "Reassigned: the new unit has been told",
        "已分解为子事项" => "Split into sub-matters",
        "{0}内没有计分的事项:没有到期或办结的督办事项,也没有加减分,各单位均为基础分。请换一个考核期。" => {
            "Nothing was scored in {0}: no matter fell due or closed and no points were adjusted, so every unit has the base score. Choose another period."
        }
        "办结申请已被退回" => "The request to close was returned",
        "退回理由:" => "Why: ",
        "请补充办理、反馈进展后再次申请办结。" => {
            "Finish what is missing, report, and ask to close again."
        }
        "主联络员" => "main liaison",
        "主联络员(每个单位一名,设定后本单位其他联络员自动取消)" => {
            "Main liaison (one per unit: marking one unmarks the unit's others)"
        }
        "分管单位" => "Units in charge of",
        "仅领导填写;多个单位用顿号隔开,如:市发改委、市财政局" => {
            "Leaders only; separate units with 、 e.g. 市发改委、市财政局"
        }
        "保存修改" => "Save the changes",
        "改派" => "Reassign",
        "原承办单位" => "Unit taken off",
        "不替换,增加配合单位" => "None: add a co-unit",
        "改派给" => "Reassign to",
        "改派理由" => "Why",
        "修改" => "Edited",
        "(已撤销)" => "(retired)",
        "请选择" => "Choose",
        "调整方式" => "What to do",
        "调整隶属:移到下面所选单位之下" => "Move it under the unit chosen below",
        "合并:并入下面所选单位,其事项、人员和下级单位随之转移,原名称保留为简称" => {
            "Merge it into the unit chosen below: its matters, people and units follow, and its name stays as a short name"
        }
        "撤销:历史记录保留,不再交办新事项" => {
            "Retire it: its history stays, it takes no new work"
        }
        "恢复已撤销的单位" => "Restore a retired unit",
        "上级单位或并入单位" => "Parent, or the unit to merge into",
        "确认调整" => "Apply",
        "人员管理" => "People",
        "添加单位" => "Add a unit",
        "单位全称" => "Full name",
        "单位代码" => "Code",
        "字母、数字、-和_,例如 fgw" => "Letters, digits, - and _, e.g. fgw",
        "按名称判断" => "Tell from the name",
        "上级单位" => "Parent unit",
        "无(最上级)" => "None (the top)",
        "简称" => "Short names",
        "多个简称用顿号分隔,例如 市发改委、市发展改革委" => {
            "Separate short names with 、 e.g. 市发改委、市发展改革委"
        }
        "组织机构" => "Organisation",
        "全部单位,按隶属关系排列。改名后原名称保留为简称,旧文件仍能匹配。" => {
            "Every unit, under its parent. A renamed unit keeps its former name as a short name, so older documents still match."
        }
        "代码" => "Code",
        "名称与简称" => "Name and short names",
        "还没有单位。" => "No units yet.",
        "添加人员" => "Add a person",
        "字母、数字、.、_和-,例如姓名拼音或手机号" => {
            "Letters, digits, ., _ and -, e.g. the name in pinyin or a mobile number"
        }
        "所在单位" => "Unit",
        "手机号码" => "Mobile",
        "邮箱" => "E-mail",
        "人员" => "People",
        "您管理的人员,新添加的在前" => "The people you administer, newest first",
        "已停用" => "Disabled",
        "待修改初始密码" => "One-time password not yet changed",
        "正常" => "Active",
        "还没有人员。" => "No people yet.",
        "账号" => "Account",
        "重置密码" => "Reset password",
        "启用" => "Enable",
        "停用账号" => "Disable",
        "该账号已停用:不能登录,历史记录保留。" => {
            "This account is disabled: it cannot sign in; its history stays."
        }
        "重置密码会生成新的一次性初始密码,并结束此人在所有设备上的登录和全部接口令牌。停用后此人不能登录,历史记录保留。" => {
            "A reset makes a new one-time password and ends the person's sign-ins on every device and all their API tokens. A disabled person cannot sign in; their history stays."
        }
        "新的初始密码(只显示这一次,请转交本人,首次登录后须修改):" => {
            "The new one-time password (shown this once; hand it over; it must be changed at the first sign-in):"
        }
        "用户名 {0} 的初始密码(只显示这一次,请转交本人,首次登录后须修改):" => {
            "The one-time password of {0} (shown this once; hand it over; it must be changed at the first sign-in):"
        }
        "已停用,此人的登录和接口令牌已全部结束" => {
            "Disabled; the person's sign-ins and API tokens have ended"
        }
        "已启用" => "Enabled",
        "已重置密码,此人的登录和接口令牌已全部结束" => {
            "Password reset; the person's sign-ins and API tokens have ended"
        }
        "已保存" => "Saved",
        "政府" => "Government",
        "乡镇" => "Township",
        "街道" => "Street",
        "办公室" => "Office",
        "设置新密码" => "Choose your password",
        "尚无系统管理员。请在服务器上运行以下命令创建第一个管理员(与启动服务时使用相同的 --data 参数),初始密码只显示一次,首次登录后须修改:" => {
            "There is no administrator yet. On the server, run these commands (with the same --data as the server) to make the first one; the one-time password is shown once and must be changed at the first sign-in:"
        }
        "{0},您好。您正在使用管理员生成的一次性初始密码,请先设置自己的密码,之后才能使用系统。" => {
            "Welcome, {0}. You signed in with a one-time password from your administrator: choose your own before anything else."
        }
        "至少8位,包含大写字母、小写字母、数字和符号中的至少三类,不能包含用户名。" => {
            "At least 8 characters, with three of: capitals, small letters, digits, symbols; not your username."
        }
        "初始密码" => "One-time password",
        "设置密码" => "Save password",
        "手机丢失、人员调离或怀疑账号被盗时,结束此人在所有设备上的登录,并作废其全部接口令牌。" => {
            "When a phone is lost, someone leaves, or an account may be stolen: end the person's sign-ins on every device and all their API tokens."
        }
        "结束此人的全部登录" => "End all their sign-ins",
        "以下接口令牌已一并作废:{0}。" => "These API tokens ended too: {0}.",
        "在所有设备上退出" => "Sign out everywhere",
        "我的账号" => "My account",
        "新令牌" => "New token",
        "请现在复制保存,离开本页后将不再显示:" => {
            "Copy it now; it will not be shown again once you leave this page:"
        }
        "修改密码" => "Change password",
        "至少8位,包含大写字母、小写字母、数字和符号中的至少三类,不能包含用户名。修改后所有设备需重新登录,接口令牌一并作废。" => {
            "At least 8 characters, with three of: capitals, small letters, digits, symbols; not your username. Every device must sign in again afterwards, and your API tokens end."
        }
        "当前密码" => "Current password",
        "新密码" => "New password",
        "再次输入新密码" => "New password again",
        "接口令牌" => "API tokens",
        "供本单位的程序调用接口使用(Authorization: Bearer 令牌)。只读令牌只能查询,不能办理。" => {
            "For your office's programs calling the API (Authorization: Bearer token). A read-only token can look but not act."
        }
        "我的接口令牌" => "My API tokens",
        "权限" => "Access",
        "有效期至" => "Valid until",
        "最近使用" => "Last used",
        "从未使用" => "Never used",
        "作废" => "Revoke",
        "还没有接口令牌。" => "No API tokens yet.",
        "令牌名称" => "Token name",
        "只读" => "Read only",
        "读写" => "Read and act",
        "有效天数" => "Valid for (days)",
        "生成令牌" => "Make a token",
        "登录设备" => "Signed-in devices",
        "两次输入的新密码不一致" => "The two new passwords differ",
        "当前密码不正确" => "The current password is wrong",
        "密码至少8位" => "A password has at least 8 characters",
        "密码须包含大写字母、小写字母、数字和符号中的至少三类" => {
            "A password needs three of: capitals, small letters, digits, symbols"
        }
        "密码不能包含用户名" => "A password cannot contain the username",
        "密码过于常见,容易被猜中" => "That password is too common to be safe",
        "密码不能有4个以上连续相同的字符" => {
            "A password cannot repeat one character 4 times in a row"
        }
        "新密码不能与当前密码相同" => {
            "The new password must differ from the current one"
        }
        "请填写令牌名称(不超过40字)" => "Name the token (up to 40 characters)",
        "有效期应为1至365天" => "A token lasts 1 to 365 days",
        "人工加减分" => "Adjust a score by hand",
        "分值(减分写负数)" => "Points (negative to deduct)",
        "批准人" => "Approved by",
        "记入考核" => "Add to the scores",
        "责任书" => "Letters",
        "{0}年责任书" => "Responsibility letters, {0}",
        "未能上传" => "Not uploaded",
        "已上传的责任书" => "Letters uploaded",
        "涉及事项" => "Matters",
        "上传时间" => "Uploaded",
        "还没有上传责任书。" => "No letters yet.",
        "尚未上传责任书的单位({0}个)" => "Units without a letter ({0})",
        "上传责任书" => "Upload a letter",
        "年份" => "Year",
        "涉及事项编号(可不填)" => "Matter numbers (optional)",
        "PDF、图片(PNG、JPEG)或 Word(.docx),不超过 {0} MB" => {
            "PDF, an image (PNG, JPEG) or Word (.docx), up to {0} MB"
        }
        "上传" => "Upload",
        "通报" => "Bulletins",
        "通报(最新的在前)" => "Bulletins (newest first)",
        "出处" => "Origins",
        "序号" => "No.",
        "事项来自的会议、文件和领导批示;每个出处下的事项按项统计办结和逾期情况。" => {
            "The meetings, documents and instructions matters come from; each origin's items are counted as closed and overdue."
        }
        "未能登记" => "Not registered",
        "已登记的出处" => "Origins on record",
        "还没有登记出处。" => "No origins yet.",
        "登记出处" => "Record an origin",
        "文号(可不填)" => "Document number (optional)",
        "日期(可不填)" => "Date (optional)",
        "会议" => "Meeting",
        "共 {0} 项,已办结 {1} 项,逾期未办结 {2} 项。" => {
            "{0} items: {1} closed, {2} open past their deadline."
        }
        "进展滞后" => "Behind schedule",
        "第{0}项 {1}" => "Item {0}: {1}",
        "第{0}项" => "Item {0}",
        "逐项落实情况" => "Item by item",
        "(逾期)" => " (overdue)",
        "还没有事项属于这个出处。" => "No matters belong to this origin yet.",
        "下载落实情况通报(.docx)" => "Download the bulletin (.docx)",
        "查看出处及其事项" => "See the origin and its matters",
        "出处编号" => "Origin number",
        "已登记的会议、文件或批示在“出处”页的编号;填写后作为其中一项,可不填" => {
            "The number of a meeting, document or instruction on the Origins page; the matter becomes one of its items (optional)"
        }
        "文号" => "Number",
        "还没有通报。" => "No bulletins yet.",
        "起草通报" => "Draft a bulletin",
        "起草" => "Draft",
        "草稿" => "Draft",
        "待审核" => "In review",
        "已发布" => "Published",
        "状态:{0}" => "State: {0}",
        "下载 Word 文档" => "Download as Word",
        "返回事项" => "Back to the matter",
        "用浏览器的“打印”(Ctrl+P)即可按 A4 纸打印本单。" => {
            "Print this form on A4 with the browser's Print (Ctrl+P)."
        }
        "督办文书" => "Forms to print",
        "打印版" => "To print",
        "Word 文档" => "Word",
        "督办通知单" => "Assignment notice",
        "蓝色催办单" => "Blue reminder slip",
        "黄色催办单" => "Yellow reminder slip",
        "红色催办单" => "Red reminder slip",
        "全部通报" => "All bulletins",
        "添加典型案例" => "Add a typical case",
        "事项编号" => "Matter number",
        "如 督〔2026〕5号" => "e.g. 督〔2026〕5号",
        "类型" => "Kind",
        "表扬" => "Praise",
        "批评" => "Criticism",
        "点评" => "Comment",
        "添加" => "Add",
        "提交审核" => "Send for review",
        "审核通过并发布" => "Approve and publish",
        "问责" => "Accountability",
        "未能保存" => "Not saved",
        "问责记录(待决定的在前)" => "Accountability records (to decide first)",
        "事由" => "Reason",
        "处理" => "Decision",
        "问责方式" => "Measure",
        "意见" => "Comment",
        "决定" => "Decide",
        "还没有问责记录。" => "No records yet.",
        "登记问责" => "Record a measure",
        "被问责单位" => "Unit",
        "被问责人(可不填)" => "Person (optional)",
        "涉及事项编号" => "Matter numbers",
        "如 督〔2026〕5号,多个用顿号分开" => {
            "e.g. 督〔2026〕5号; separate several with 、"
        }
        "问责事由" => "Reason",
        "待决定" => "To decide",
        "已问责" => "Decided",
        "不予问责" => "Dismissed",
        "约谈" => "Talk",
        "通报批评" => "Public criticism",
        "诫勉谈话" => "Admonition",
        "责令书面检查" => "Written self-criticism",
        "其他" => "Other",
        "综合考核" => "Assessment",
        "考核" => "Assessment",
        "考核期" => "Period",
        "可选可填:年、半年、季度、月或周,如 2026年第二季度、2026年6月" => {
            "Pick or type a year, half, quarter, month or week, e.g. 2026-Q2, 2026-06"
        }
        "报送扣分制(基础分100,缺报−10,空报−5)" => {
            "Reports (base 100, −10 per missing report, −5 per empty one)"
        }
        "逐项计分制(按期+1,逾期−1,退回−2)" => {
            "Items (+1 on time, −1 late, −2 returned)"
        }
        "牵头配合计分制(牵头+2、配合+1,未完成−5、−2.5)" => {
            "Lead and co-units (+2 lead, +1 co; −5 / −2.5 when missed)"
        }
        "考核方案" => "Scheme",
        "查看" => "Show",
        "{0},方案 {1},基础分 {2}。每一分都列明事由,点开可查看所依据的事项。" => {
            "{0}, scheme {1}, base {2}. Every point says why; open a score to see the matters behind it."
        }
        "导出 Excel" => "Export to Excel",
        "名次" => "Rank",
        "得分" => "Score",
        "得分明细" => "Items",
        "{0} 项" => "{0} items",
        "县(市、区)和乡镇(街道)" => "Counties, towns and streets",
        "部门" => "Departments",
        "其他单位" => "Other units",
        "消息" => "Messages",
        "管理" => "Admin",
        "没有消息。" => "No messages.",
        "未读" => "Unread",
        "查看事项" => "See the matter",
        "已于{0}确认收到" => "Confirmed {0}",
        "发给本单位联络员,一人确认即为本单位确认" => {
            "To your unit's liaisons; one confirmation answers for the unit"
        }
        "确认收到" => "Confirm receipt",
        "标为已读" => "Mark as read",
        "接收方式" => "How you hear from us",
        "站内消息总会收到。" => "Messages always arrive here. ",
        "您的账号没有登记邮箱。" => "Your account has no e-mail address.",
        "同时发送邮件" => "Also send e-mail",
        "邮件每天汇总一次(工作日早上)" => {
            "One e-mail a day with everything (working-day mornings)"
        }
        "保存" => "Save",
        "发送失败的消息" => "Messages that failed",
        "未送达或正在重试的邮件和推送" => {
            "E-mails and webhooks not delivered or being retried"
        }
        "时间" => "Time",
        "渠道" => "Channel",
        "内容" => "Content",
        "次数" => "Attempts",
        "原因" => "Why",
        "已放弃" => "given up",
        "没有发送失败的消息。" => "No message has failed.",
        "工作日历" => "Working-day calendar",
        "已有年份:{0}。粘贴国务院办公厅的节假日安排通知,预览后保存。" => {
            "Years known: {0}. Paste the State Council's holiday notice, preview it, then save."
        }
        "通知全文" => "The notice",
        "年份(通知中找不到时填写)" => "Year (if the notice does not say)",
        "预览" => "Preview",
        "保存到日历" => "Save to the calendar",
        "通知中的放假和调休安排" => "Days off and adjusted working days in the notice",
        "日期" => "Date",
        "安排" => "Arrangement",
        "名称" => "Name",
        "放假" => "Day off",
        "上班" => "Working day",
        "导入" => "Import",
        "导入任务表" => "Import a task table",
        "未能读取" => "The file could not be read",
        "支持任务分解表、台账(.xlsx、.xls、.csv)和文件、会议纪要(.docx、.txt),不超过 {0} MB。导入前会逐行列出识别结果和问题,确认后才写入。" => {
            "Task tables and ledgers (.xlsx, .xls, .csv) and documents or minutes (.docx, .txt), up to {0} MB. Every row is shown with what was understood and what was not; nothing is written until you confirm."
        }
        "文件" => "File",
        "按文件内容判断" => "Decide from the file",
        "文件年份" => "Year of the document",
        "用于“6月底前”等未写年份的时限;不填则按文件内容判断" => {
            "For deadlines without a year, such as 6月底前; found in the file if left empty"
        }
        "导入后直接交办" => "Assign the matters at once",
        "读取并预览" => "Read and preview",
        "导入预览" => "Import preview",
        "未能导入" => "Nothing was imported",
        "出处:{0};{1}年;来源:{2}。" => "From: {0}; year {1}; source: {2}.",
        "共 {0} 行,有问题 {1} 行,此前已导入 {2} 行(将跳过)。" => {
            "{0} rows, {1} with problems, {2} imported before (skipped)."
        }
        "识别结果(单位名称可直接修改,改后点“重新检查”)" => {
            "What was understood (correct unit names in place, then choose Check again)"
        }
        "行" => "Row",
        "工作任务" => "Task",
        "识别情况" => "Findings",
        "第{0}行牵头单位" => "Lead unit, row {0}",
        "第{0}行配合单位" => "Co-operating units, row {0}",
        "第{0}行完成时限" => "Deadline, row {0}",
        "此前已导入,将跳过" => "Imported before; skipped",
        "对应:{0}" => "Matched: {0}",
        "确认只导入没有问题的行(有问题的 {0} 行不导入)" => {
            "Import only the rows without problems (leave out {0})"
        }
        "重新检查" => "Check again",
        "导入完成" => "Import finished",
        "已导入 {0} 件;此前已导入而跳过 {1} 件;有问题未导入 {2} 件。" => {
            "{0} imported; {1} skipped as imported before; {2} left out with problems."
        }
        "查看刚导入的事项" => "See the matters just imported",
        "继续导入" => "Import another file",
        "请选择要导入的文件" => "Choose a file to import",
        "文件超过 20 MB,请拆分后再导入" => {
            "The file is over 20 MB; split it and import the parts"
        }
        "上传未完成,请重新选择文件" => {
            "The upload did not finish; choose the file again"
        }
        "请选择有效的来源" => "Choose a valid source",
        "年份应为2000至2100之间的数字" => "The year must be a number from 2000 to 2100",
        "只有督查人员可以导入督办事项" => "Only supervisors import matters",
        "只有督查人员可以管理责任书" => {
            "Only supervisors manage responsibility letters"
        }
        "只有督查人员可以办理问责" => "Only supervisors handle accountability",
        "无权查看通报" => "Bulletins are not yours to see",
        "只有督查人员可以编发通报" => "Only supervisors draft and publish bulletins",
        "无权查看考核结果" => "Assessment results are not yours to see",
        "只有督查人员可以调整考核分" => "Only supervisors adjust scores",
        "只有管理员和督查人员可以进入管理页面" => {
            "Only administrators and supervisors open the administration page"
        }
        "无权审批该事项的延期申请" => "This extension is not yours to decide",
        "导入暂时无法完成,请稍后重试" => {
            "The import cannot be done just now; please try again"
        }
        "已交办(不含立项、撤销)" => "Assigned (not drafts or cancelled)",
        "逾期事项(近12周,每周日终)" => {
            "Overdue matters (last 12 weeks, at each Sunday's end)"
        }
        "{0}年各单位按月到期与逾期(逾期/到期)" => {
            "Due and late by unit and month, {0} (late/due)"
        }
        "{0}日终逾期 {1} 件" => "{1} overdue at the end of {0}",
        "到期 {0} 件,逾期 {1} 件" => "{0} due, {1} late",
        "只列{0}日终时已逾期的事项。" => "Only matters overdue at the end of {0}.",
        "起始日期" => "Due from",
        "截止日期" => "Due by",
        "页码" => "Page",
        "无权查看或办理该事项" => "This matter is not yours to see or handle",
        "该事项刚被他人修改,请刷新后重试" => {
            "Someone changed this matter just now; reload and try again"
        }
        "请填写事项名称" => "Enter a title",
        "请填写要分解到的单位" => "Enter the units to divide the matter among",
        "责任领导须为领导账号" => "The responsible leader must be a leader's account",
        "完成时限的年份应在2000年至2100年之间" => {
            "The deadline's year must be between 2000 and 2100"
        }
        "请填写完成时限;持续推进的事项须选择反馈周期" => {
            "Enter a deadline; an ongoing matter needs a reporting cadence"
        }
        "阶段目标的进度应在0到100之间" => {
            "A stage target's percent must be between 0 and 100"
        }
        "配合单位不能与牵头单位相同" => {
            "A co-operating unit cannot also be the lead unit"
        }
        "只有督查人员可以立项;乡镇、县区政府可对交办本级的事项分解立项" => {
            "Only supervisors register matters; counties and towns may divide matters assigned to them"
        }
        "只能分解本单位承办或本级管理的事项" => {
            "You can divide only matters your unit handles or manages"
        }
        "只有承办单位的联络员可以办理" => {
            "Only liaisons of the assigned units can do this"
        }
        "只有牵头单位可以申请办结" => "Only the lead unit can ask to close",
        "只有牵头单位可以申请延期" => "Only the lead unit can ask for more time",
        "只有督查人员可以交办事项" => "Only supervisors assign matters",
        "只有督查人员可以催办" => "Only supervisors send reminders",
        "只有督查人员可以办结事项" => "Only supervisors close matters",
        "只有督查人员可以撤销事项" => "Only supervisors cancel matters",
        "只有督查人员可以退回事项" => "Only supervisors return matters",
        "只有督查人员可以登记督办事项" => "Only supervisors register matters",
        "本单位不是该事项的承办单位" => "Your unit is not assigned this matter",
        "已有一项延期申请正在审批" => "An extension request is already waiting",
        "申请的新时限应晚于现有完成时限" => {
            "The new deadline must be later than the current one"
        }
        "该事项没有待审批的延期申请" => "There is no extension request waiting",
        "该事项为持续推进事项,没有完成时限,无需延期" => {
            "An ongoing matter has no deadline to extend"
        }
        "已超过完成时限,延期须在时限届满前申请" => {
            "The deadline has passed; ask for more time before it does"
        }
        "完成进度应在0到100之间" => "Percent done must be between 0 and 100",
        "完成进度应为0到100之间的整数" => {
            "Percent done must be a whole number from 0 to 100"
        }
        "请填写有效的日期,例如 2026-06-30" => "Enter a valid date, e.g. 2026-06-30",
        "请填写牵头单位" => "Enter the lead unit",
        "牵头单位只能填写一个" => "Enter only one lead unit",
        "请选择责任领导" => "Choose the responsible leader",
        "请选择来源" => "Choose a source",
        "请选择紧急程度" => "Choose an urgency",
        "请选择反馈周期" => "Choose a reporting cadence",
        "不支持的操作" => "This action is not supported",
        "编号有误" => "The number is not valid",
        "地址中的事项编号有误" => "The matter number in the address is not valid",
        "页面暂时无法显示,请稍后重试" => {
            "The page cannot be shown just now; please try again"
        }
        "工作台暂时无法显示,请稍后重试" => {
            "The workbench cannot be shown just now; please try again"
        }
        "列表暂时无法显示,请稍后重试" => {
            "The list cannot be shown just now; please try again"
        }
        "情况暂时无法显示,请稍后重试" => {
            "The overview cannot be shown just now; please try again"
        }
        "导出失败,请稍后重试" => "The export failed; please try again",
        "退出失败,请重试" => "Signing out failed; please try again",
        "服务器内部错误,请稍后重试" => "Internal server error; please try again later",
        "请求的地址不存在" => "There is no page at this address",
        "上传附件" => "Attach a file",
        "PDF、OFD、图片、Word(.docx)、Excel(.xlsx)或 ZIP 压缩包,每个不超过 {0} MB" => {
            "PDF, OFD, an image, Word (.docx), Excel (.xlsx) or a ZIP archive, {0} MB at most"
        }
        "附于" => "Evidence for",
        "事项本身" => "The matter as a whole",
        "附件说明" => "Note",
        "本类事项申请办结前,须由牵头单位上传佐证材料。" => {
            "Matters of this source need a file from the lead unit before closure is asked for."
        }
        "附件已上传,已记入办理过程" => {
            "The file is attached and recorded in the timeline"
        }
        "该地址不支持此请求方法" => "This address does not accept that method",
        "报送要求:{0}。" => "Reports due: {0}.",
        "报送要求" => "Reports due",
        "配合单位和下级事项的最新反馈" => {
            "The latest reports of the co-units and sub-matters"
        }
        "已汇入下方进展情况草稿,修改后一并报送" => {
            "Gathered into the draft below; edit it and report them together"
        }
        "报送" => "Rounds",
        "报送情况" => "Report rounds",
        "已向{0}个未报送单位发出催报" => {
            "{0} units missing a report have been reminded"
        }
        "日期有误" => "The date is wrong",
        "请填写有效的日期,例如 2026-07-24" => "Enter a valid date, such as 2026-07-24",
        "报送轮次所在日期" => "A day of the round",
        "按月报送的看当月,按季报送的看当季,以此类推" => {
            "Monthly rules show that month's round, quarterly ones that quarter's, and so on"
        }
        "{0}项事项、{1}个单位尚未报送本轮进展。" => {
            "{0} matters and {1} units have not reported in this round."
        }
        "一键催报" => "Remind them all",
        "未报送的事项和单位" => "Matters and units missing a report",
        "轮次" => "Round",
        "未报送单位" => "Units missing",
        "本轮按期报送的事项均已报送。" => {
            "Every matter reported by rule has its reports in for this round."
        }
        "按期报送的写明日期,如:每月25日前、每季度最后一个月30日前、每周五;遇节假日提前到前一个工作日" => {
            "For reports due by a date, write it: 每月25日前, 每季度最后一个月30日前, 每周五; a day off moves to the working day before"
        }
        "报送要求无法识别,请写作 每月25日前、每季度最后一个月30日前 或 每周五" => {
            "The report rule is not understood; write 每月25日前, 每季度最后一个月30日前 or 每周五"
        }
        "批示" => "Instruct",
        "圈阅" => "Read",
        "肯定" => "Praise",
        "批示于" => "Written on",
        "批示内容" => "Instruction",
        "圈阅可不填,记为“已阅”" => "A tick needs no words; it is recorded as “read”",
        "提交" => "Submit",
        "请选择批示、圈阅或肯定" => "Choose instruct, read or praise",
        "所批示的反馈有误,请重新选择" => "The report chosen is wrong; choose again",
        "已记入办理过程,承办单位已收到" => {
            "Recorded in the timeline; the units have been told"
        }
        "表单已过期或来源不明,请返回刷新页面后重新提交。" => {
            "The form has expired or its origin is unknown; go back, reload the page and submit again."
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_the_default_and_english_fills_in_the_numbers() {
        assert_eq!(t("剩{0}个工作日", &["3".into()]), "剩3个工作日");
        let english = PAGE.sync_scope(
            Page {
                lang: Lang::En,
                path: "/".into(),
            },
            || (t("剩{0}个工作日", &["3".into()]), t("没有译文的话", &[])),
        );
        assert_eq!(
            english,
            ("3 working days left".into(), "没有译文的话".into())
        );
    }

    #[test]
    fn messages_with_names_inside_are_translated_around_them() {
        let en = |text: &str| {
            PAGE.sync_scope(
                Page {
                    lang: Lang::En,
                    path: "/".into(),
                },
                || message(text),
            )
        };
        assert_eq!(
            en("当前状态为“立项”,不能办结"),
            "The matter is “Draft”; it cannot be given “Close” now"
        );
        assert_eq!(
            en("找不到单位:市不存在局;“市局”对应多个单位,请写全称"),
            "No unit is called 市不存在局; “市局” matches several units; write the full name"
        );
        assert_eq!(en("单位 7 不存在"), "Unit 7 does not exist");
        assert_eq!(
            en(&luoshi_domain::Rating::given("great").unwrap_err()),
            "“great” is not a rating; give satisfied, basically or unsatisfied"
        );
        assert_eq!(
            en("尚有2项下级事项未办结(督〔2026〕16号),不能申请办结"),
            "Sub-matters still open: 2 (督〔2026〕16号); completion cannot be asked for yet"
        );
        assert_eq!(
            en("尚有1项下级事项未办结,不能办结;督查人员可填写理由后强制办结"),
            "Sub-matters still open: 1; a supervisor may still close it, giving a reason"
        );
        assert_eq!(en("没有译文的话{}"), "没有译文的话{}");
        assert_eq!(message("单位 7 不存在"), "单位 7 不存在");
    }
}
