import datetime
import json
import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from companies.models import Company, CompanyReference, MemberRole, Membership
from donations import services as donation_services
from ideas import services as idea_services
from ideas.language import detect_language
from ideas.models import Comment, Follow, Idea, IdeaStatus, Report
from matching.models import Match, MatchStatus
from matching.services import match_feedback
from pilots import services as pilot_services
from pilots.models import Pilot, PilotStage

DEMO_DATA = settings.DEMO_DATA
DEMO_PASSWORD = "gwangju-demo-2026"

# Username, the display name the public sees, and the real name only city staff see.
CITIZENS = [
    ("citizen1", "햇살 다람쥐", "김민지"),
    ("citizen2", "무등산 부엉이", "박준호"),
    ("citizen3", "Curious Heron", "Emily Carter"),
    ("citizen4", "다정한 두루미", "이순자"),
]


# The stages a pilot passes through on its way to each demo stage; a cancelled one ran first.
STAGE_PATHS = {
    PilotStage.PLANNING: [],
    PilotStage.RECRUITING: [PilotStage.RECRUITING],
    PilotStage.RUNNING: [PilotStage.RECRUITING, PilotStage.RUNNING],
    PilotStage.EVALUATING: [PilotStage.RECRUITING, PilotStage.RUNNING, PilotStage.EVALUATING],
    PilotStage.COMPLETED: [
        PilotStage.RECRUITING,
        PilotStage.RUNNING,
        PilotStage.EVALUATING,
        PilotStage.COMPLETED,
    ],
    PilotStage.CANCELLED: [PilotStage.RECRUITING, PilotStage.RUNNING, PilotStage.CANCELLED],
}


class Command(BaseCommand):
    help = (
        "Load fictional demo companies, ideas, accounts, supports, comments, reports, company "
        "interest and pilots in every stage (safe to run again: what exists is left as it is)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
        users = {
            username: self._user(username, display_name, real_name=real_name)
            for username, display_name, real_name in CITIZENS
        }
        staff = self._user("staff", "광주시 AI정책과", is_staff=True)

        companies = [self._company(entry) for entry in data["companies"]]
        company_members = []
        for index, company in enumerate(companies[:2], start=1):
            member = self._user(f"company{index}", f"{company.name} 담당자")
            Membership.objects.get_or_create(
                company=company, user=member, defaults={"role": MemberRole.OWNER}
            )
            company_members.append((member, company))

        created = 0
        for entry in data["ideas"]:
            created += self._idea(entry, users[entry["author"]])

        supporters = {username: self._user(username, name) for username, name in data["supporters"]}
        people = {**users, **supporters, staff.username: staff}
        titles = [entry["title"] for entry in data["ideas"]]
        ideas = {idea.title: idea for idea in Idea.objects.filter(title__in=titles)}
        # Ideas that companies answered or that became pilots drew people to them first.
        noticed = {ideas[entry["idea"]].pk for entry in [*data["pilots"], *data["interests"]]}
        self._supports(list(ideas.values()), [*users.values(), *supporters.values()], noticed)
        for entry in data["comments"]:
            self._comment(entry, ideas[entry["idea"]], people)
        for entry in data["idea_reports"]:
            self._report(people[entry["reporter"]], entry, idea=ideas[entry["idea"]])
        for entry in data["interests"]:
            self._interest(entry, ideas[entry["idea"]])
        pilots_created = sum(
            self._pilot(entry, ideas[entry["idea"]], staff, people) for entry in data["pilots"]
        )

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {len(companies)} companies, {len(data['ideas'])} ideas ({created} new), "
                f"{len(data['pilots'])} pilots ({pilots_created} new)."
            )
        )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  city staff      {staff.username}")
        for member, company in company_members:
            self.stdout.write(f"  company member  {member.username}  ({company.name})")
        for username in users:
            self.stdout.write(f"  citizen         {username}")
        self.stdout.write(f"  more citizens   {', '.join(supporters)}")

    def _user(self, username: str, display_name: str, *, real_name: str = "", is_staff: bool = False) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "real_name": real_name,
                "is_staff": is_staff,
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _company(self, entry: dict) -> Company:
        company, _created = Company.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "summary": entry["summary"],
                "description": entry["description"],
                "website": entry["website"],
                "technologies": entry["technologies"],
                "domains": entry["domains"],
                "languages": entry["languages"],
                "is_verified": True,
            },
        )
        for reference in entry.get("references", []):
            CompanyReference.objects.update_or_create(
                company=company,
                title=reference["title"],
                defaults={"year": reference.get("year"), "description": reference["description"]},
            )
        return company

    def _idea(self, entry: dict, author: User) -> int:
        status = IdeaStatus(entry["status"])
        idea, created = Idea.objects.get_or_create(
            author=author,
            title=entry["title"],
            defaults={
                "problem": entry["problem"],
                "proposal": entry["proposal"],
                "beneficiaries": entry["beneficiaries"],
                "category": entry["category"],
                "district": entry["district"],
                "language": detect_language(f"{entry['title']} {entry['problem']}"),
                "status": status,
                "published_at": timezone.now() if status != IdeaStatus.SUBMITTED else None,
            },
        )
        return int(created)

    def _supports(self, ideas: list[Idea], citizens: list[User], noticed: set[int]) -> None:
        """Supports and follows spread unevenly, as on a real site; the same every run (a fixed
        seed), and get_or_create leaves those already given alone."""
        chance = random.Random(2026)
        for idea in sorted(ideas, key=lambda i: i.pk):
            share = chance.choice([0.0, 0.1, 0.2, 0.3, 0.5, 0.8])
            if idea.pk in noticed:
                share = max(share, 0.6)
            for citizen in citizens:
                if citizen.pk == idea.author_id or chance.random() >= share:
                    continue
                if idea.is_open_to_citizens:
                    idea_services.idea_support(idea=idea, user=citizen)
                if chance.random() < 0.3:
                    Follow.objects.get_or_create(idea=idea, user=citizen)

    def _comment(self, entry: dict, idea: Idea, people: dict[str, User]) -> None:
        author = people[entry["author"]]
        comment = Comment.objects.filter(idea=idea, author=author, body=entry["body"]).first()
        if comment is None:
            comment = idea_services.comment_create(idea=idea, author=author, body=entry["body"])
        for reply in entry["replies"]:
            replier = people[reply["author"]]
            if not Comment.objects.filter(idea=idea, author=replier, body=reply["body"]).exists():
                idea_services.comment_create(idea=idea, author=replier, body=reply["body"], parent=comment)
        for report in entry.get("reports", []):
            self._report(people[report["reporter"]], report, comment=comment)

    def _report(
        self, reporter: User, entry: dict, *, idea: Idea | None = None, comment: Comment | None = None
    ) -> None:
        # Fewer than three reporters per row, so the reported content waits in the queue
        # instead of being hidden.
        if Report.objects.filter(reporter=reporter, idea=idea, comment=comment).exists():
            return
        idea_services.report_create(
            reporter=reporter, reason=entry["reason"], details=entry["details"], idea=idea, comment=comment
        )

    def _interest(self, entry: dict, idea: Idea) -> None:
        """A company's answer to a match. The matcher has not run yet when the demo is loaded,
        so the match is written here; the matcher keeps rows a company has answered."""
        company = Company.objects.get(slug=entry["company"])
        match, _created = Match.objects.get_or_create(
            idea=idea,
            company=company,
            defaults={
                "score": 0.8,
                "reason": {
                    "idea_field": "title",
                    "idea_text": idea.title,
                    "company_field": "summary",
                    "company_text": company.summary,
                    "similarity": 0.8,
                    "also": [],
                },
            },
        )
        if match.status == MatchStatus.INTERESTED:
            return
        owner = User.objects.filter(memberships__company=company).order_by("pk").first()
        if owner is None:
            owner = self._user(f"{company.slug}-owner", f"{company.name} 담당자")
            Membership.objects.get_or_create(company=company, user=owner, defaults={"role": MemberRole.OWNER})
        match_feedback(
            match=match,
            user=owner,
            status=MatchStatus.INTERESTED,
            message=entry["message"],
            proposal_plan=entry["plan"],
            proposal_data_needed=entry["data_needed"],
            proposal_duration_weeks=entry["weeks"],
        )

    def _pilot(self, entry: dict, idea: Idea, staff: User, people: dict[str, User]) -> int:
        """A pilot taken to its demo stage the way staff would: milestones while it is open,
        volunteers and consents while it recruits, updates once it is public. A pilot already
        there (by title) is left as it is."""
        if Pilot.objects.filter(title=entry["title"]).exists():
            return 0
        idea.refresh_from_db()
        pilot = pilot_services.pilot_create(
            by=staff,
            idea=idea,
            companies=list(Company.objects.filter(slug__in=entry["companies"])),
            title=entry["title"],
            description=entry["description"],
            venue=entry["venue"],
        )
        today = timezone.localdate()
        for milestone in entry["milestones"]:
            pilot_services.pilot_milestone_add(
                pilot=pilot,
                by=staff,
                title=milestone["title"],
                due_date=today + datetime.timedelta(days=milestone["days"]),
                is_done=milestone["done"],
            )
        for stage in STAGE_PATHS[PilotStage(entry["stage"])]:
            pilot = pilot_services.pilot_change_stage(
                pilot=pilot, by=staff, stage=stage, reason=entry.get("cancellation_reason", "")
            )
            if stage == PilotStage.RECRUITING:
                self._volunteers(pilot, entry, staff, people)
        for update in entry["updates"]:
            pilot_services.pilot_update_post(pilot=pilot, by=staff, body=update["body"])
        return 1

    def _volunteers(self, pilot: Pilot, entry: dict, staff: User, people: dict[str, User]) -> None:
        requests = {
            request["category_code"]: donation_services.data_request_add(pilot=pilot, by=staff, **request)
            for request in entry["data_requests"]
        }
        for volunteer_entry in entry["volunteers"]:
            volunteer = pilot_services.pilot_volunteer_join(
                pilot=pilot,
                user=people[volunteer_entry["user"]],
                share_identity=volunteer_entry["share_identity"],
            )
            for code in volunteer_entry["consents"]:
                donation_services.consent_give(volunteer=volunteer, data_request=requests[code])
