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

/// The English of a Chinese text shown on the pages; `None` leaves it in Chinese.
fn english(zh: &str) -> Option<&'static str> {
    Some(match zh {
        "落实" => "Luoshi",
        "督查督办" => "Follow-through",
        "主菜单" => "Main menu",
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
        "逾期 {0} 件,待审核办结 {1} 件,待审批延期 {2} 件。" => {
            "{0} overdue, {1} completions to review, {2} extensions to approve."
        }
        "无回音单位 {0} 个。" => "{0} units have gone quiet.",
        "分管单位在办事项" => "Open matters of the units in my charge",
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
        "逾期(红灯)" => "Overdue (red)",
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
        "办理过程" => "Timeline",
        "存在问题:" => "Problems: ",
        "下步打算:" => "Next steps: ",
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
        "导出台账(CSV)" => "Export the ledger (CSV)",
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
        "持续推进的事项可不填,但须选择反馈周期" => {
            "May be left empty for ongoing work, which then needs a cadence"
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
        "政府工作报告任务、民生实事等向社会公开的承诺事项,共 {0} 件,已办结 {1} 件。" => {
            "Commitments made public, such as Government Work Report tasks: {0} in all, {1} done."
        }
        "办理情况" => "Progress",
        "已完成 {0}%" => "{0}% done",
        "暂无公开事项。" => "No public matters yet.",
        "返回工作台" => "Back to the workbench",
        "找不到该页面" => "Page not found",
        "无法完成操作" => "That could not be done",
        "切换语言" => "Language",
        // Values the domain names.
        "立项" => "Registered",
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
}
