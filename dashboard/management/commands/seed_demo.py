import datetime
import json
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import AuditEntry, Notification, User
from accounts.services import user_token_get_or_create
from companies.models import Company, CompanyReference, MemberRole, Membership
from donations import selectors as donation_selectors
from donations import services as donation_services
from donations.management.commands.run_demo_analyser import blood_pressure_verdict
from donations.models import Donation, DonationDeletion, DonationSource, Station
from ideas import services as idea_services
from ideas.language import detect_language
from ideas.models import Comment, Follow, Idea, IdeaStatus, Report
from matching.models import Match, MatchStatus
from matching.services import match_feedback
from pilots import services as pilot_services
from pilots.models import (
    CLOSED_STAGES,
    CONSENT_STAGES,
    Pilot,
    PilotConsent,
    PilotDataRequest,
    PilotMilestone,
    PilotStage,
    PilotUpdate,
    PilotVolunteer,
)

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
# What a pilot's steps write, each with the field that dates it: a demo pilot's past is dated
# as its milestones tell it, not all on the day the demo is loaded.
DATED_ROWS = [
    (AuditEntry, "created_at"),
    (Notification, "created_at"),
    (PilotMilestone, "created_at"),
    (PilotDataRequest, "created_at"),
    (PilotVolunteer, "joined_at"),
    (PilotConsent, "given_at"),
    (PilotUpdate, "created_at"),
]
# Volunteers came in the days after a pilot began to recruit, one a day.
VOLUNTEER_DAYS_APART = datetime.timedelta(days=1)
# News is posted some hours after what it tells of.
UPDATE_HOURS_AFTER = datetime.timedelta(hours=3)
# An idea that became a pilot was public at least this long before the city started the pilot.
IDEA_BEFORE_PILOT = datetime.timedelta(days=28)


class Command(BaseCommand):
    help = (
        "Load fictional demo companies, ideas, accounts, supports, comments, reports, company "
        "interest and pilots in every stage (safe to run again: what exists is left as it is)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--donations-file",
            type=Path,
            default=None,
            help="Where to write the demo station's key and the analyser's token "
            "(default: settings.DEMO_DONATIONS_FILE, var/demo-donations.json).",
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
        if created:
            self._spread_over_past_weeks(data)

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
        donations_file = options["donations_file"] or settings.DEMO_DONATIONS_FILE
        stations = [
            self._donation_station(entry, staff, people, donations_file)
            for entry in data["pilots"]
            if "donation_station" in entry
        ]

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
        for station in stations:
            if station is not None:
                self.stdout.write(
                    f"Donation station “{station.station.name}” of pilot {station.station.pilot_id}: "
                    f"{station.donations_added} donations added; its key and the analyser's token "
                    f"are in {donations_file}."
                )

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

    def _spread_over_past_weeks(self, data: dict) -> None:
        """Dates the demo's ideas over the past weeks, Korean and English mixed, as a real site's
        are: written in one go, the file's English ideas came last and filled the newest page.
        Ideas that became pilots came first, as pilots take time. Only ideas still dated within
        the last hour move, so loading the demo again changes nothing."""
        piloted = {entry["idea"] for entry in data["pilots"]}
        titles = [entry["title"] for entry in data["ideas"]]
        rest = [title for title in titles if title not in piloted]
        random.Random(2026).shuffle(rest)
        order = [title for title in titles if title in piloted] + rest
        now = timezone.now()
        fresh = Idea.objects.filter(title__in=titles, created_at__gte=now - datetime.timedelta(hours=1))
        for idea in fresh:
            created_at = now - datetime.timedelta(hours=19 * (len(order) - order.index(idea.title)))
            published_at = min(created_at + datetime.timedelta(hours=5), now) if idea.published_at else None
            Idea.objects.filter(pk=idea.pk).update(created_at=created_at, published_at=published_at)

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
        volunteers and consents while it recruits, updates once it is public. Each step is dated
        by the entry's `stage_days` (days before today), so the pilot's page, its idea's progress
        and its volunteers' pages agree with its milestones. A pilot already there (by title) is
        left as it is."""
        if Pilot.objects.filter(title=entry["title"]).exists():
            return 0
        now = timezone.now()
        entered = {
            PilotStage(stage): now + datetime.timedelta(days=days)
            for stage, days in entry["stage_days"].items()
        }
        idea.refresh_from_db()
        with _dated(entered[PilotStage.PLANNING]):
            pilot = pilot_services.pilot_create(
                by=staff,
                idea=idea,
                companies=list(Company.objects.filter(slug__in=entry["companies"])),
                title=entry["title"],
                title_en=entry["title_en"],
                description=entry["description"],
                description_en=entry["description_en"],
                venue=entry["venue"],
                venue_en=entry["venue_en"],
            )
            today = timezone.localdate()
            for milestone in entry["milestones"]:
                pilot_services.pilot_milestone_add(
                    pilot=pilot,
                    by=staff,
                    title=milestone["title"],
                    title_en=milestone["title_en"],
                    due_date=today + datetime.timedelta(days=milestone["days"]),
                    is_done=milestone["done"],
                )
        for stage in STAGE_PATHS[PilotStage(entry["stage"])]:
            with _dated(entered[stage]):
                pilot = pilot_services.pilot_change_stage(
                    pilot=pilot, by=staff, stage=stage, reason=entry.get("cancellation_reason", "")
                )
            if stage == PilotStage.RECRUITING:
                self._volunteers(pilot, entry, staff, people, since=entered[stage])
        for update in entry["updates"]:
            posted = now + datetime.timedelta(days=update["days"]) + UPDATE_HOURS_AFTER
            with _dated(min(posted, now)):
                pilot_services.pilot_update_post(
                    pilot=pilot, by=staff, body=update["body"], body_en=update["body_en"]
                )
        Pilot.objects.filter(pk=pilot.pk).update(
            created_at=entered[PilotStage.PLANNING],
            went_public_at=entered.get(PilotStage.RECRUITING),
            closed_at=entered[pilot.stage] if pilot.stage in CLOSED_STAGES else None,
            updated_at=max(entered.values()),
        )
        self._idea_before_pilot(idea, entered[PilotStage.PLANNING])
        return 1

    def _idea_before_pilot(self, idea: Idea, pilot_started: datetime.datetime) -> None:
        """An idea is public a while before the city makes a pilot of it: moved back if the
        spread over past weeks dated it later, never forward."""
        idea.refresh_from_db(fields=["created_at", "published_at"])
        published = pilot_started - IDEA_BEFORE_PILOT
        if idea.published_at is None or idea.published_at <= published:
            return
        Idea.objects.filter(pk=idea.pk).update(
            created_at=published - datetime.timedelta(hours=5), published_at=published
        )

    def _volunteers(
        self, pilot: Pilot, entry: dict, staff: User, people: dict[str, User], *, since: datetime.datetime
    ) -> None:
        with _dated(since):
            requests = {
                request["category_code"]: donation_services.data_request_add(pilot=pilot, by=staff, **request)
                for request in entry["data_requests"]
            }
        for index, volunteer_entry in enumerate(entry["volunteers"], start=1):
            with _dated(since + index * VOLUNTEER_DAYS_APART):
                volunteer = pilot_services.pilot_volunteer_join(
                    pilot=pilot,
                    user=people[volunteer_entry["user"]],
                    share_identity=volunteer_entry["share_identity"],
                )
                for code in volunteer_entry["consents"]:
                    # As the volunteer would have read it: in the language they use the site in.
                    donation_services.consent_give(
                        volunteer=volunteer,
                        data_request=requests[code],
                        language=volunteer.user.preferred_language,
                    )

    # --- Data donation: a station, past donations, a company's read and its results ------------

    def _donation_station(
        self, entry: dict, staff: User, people: dict[str, User], path: Path
    ) -> "DemoStation | None":
        """A registered station for a pilot that collects data, a few donations made at it, read
        once by the pilot's company and partly answered, all through the product's own services,
        so My donations and the pilot's figures have something to show. What the station device
        and the analyser need is written to `path`.

        The database keeps only the station key's hash, so the key lives in that file alone.
        A file that is missing, or whose key does not open this station (another database, a
        reset), means the key is lost: the station is revoked and registered again, as staff are
        told to do with a lost key, so the old key can never work again and nothing else changes.
        """
        station_entry = entry["donation_station"]
        pilot = Pilot.objects.get(title=entry["title"])
        if pilot.stage not in CONSENT_STAGES:
            return None
        member = people.get(station_entry["company_member"]) or User.objects.get(
            username=station_entry["company_member"]
        )
        saved = _read_donations_file(path)
        station = Station.objects.filter(
            pilot=pilot, name=station_entry["name"], revoked_at__isnull=True
        ).first()
        key = saved.get("station_key") if saved.get("station_id") == getattr(station, "pk", None) else None
        if station is not None and not (
            isinstance(key, str) and donation_selectors.station_authenticate(key=key) == station
        ):
            donation_services.station_revoke(station=station, by=staff)
            station = None
        if station is None:
            registered = donation_services.station_register(
                pilot=pilot, by=staff, name=station_entry["name"], name_en=station_entry["name_en"]
            )
            station, key = registered.station, registered.key
        elif not station.name_en:
            # Seeded before stations had an English place: given it as staff would, key unchanged.
            station = donation_services.station_rename(
                station=station, by=staff, name=station.name, name_en=station_entry["name_en"]
            )

        added = self._station_donations(pilot, station, station_entry, people, member)
        company = donation_selectors.data_reader_company(pilot=pilot, user=member)
        contents = {
            "pilot_id": pilot.pk,
            "pilot": pilot.title,
            "station_id": station.pk,
            "station": station.name,
            "station_key": key,
            "company": company.slug,
            "company_member": member.username,
            "company_token": user_token_get_or_create(user=member).key,
            "donor": station_entry["donor"],
        }
        if contents != saved:
            _write_owner_only(path, contents)
        return DemoStation(station=station, donations_added=added)

    def _station_donations(
        self, pilot: Pilot, station: Station, station_entry: dict, people: dict[str, User], member: User
    ) -> int:
        """Donations of volunteers who never donated in that category (nor had it deleted), so a
        second run, or one after a donor withdrew, adds nothing."""
        requests = {request.category_code: request for request in pilot.data_requests.current()}
        untouched: dict[tuple[int, int], bool] = {}
        made: list[tuple[Donation, dict]] = []
        for donation_entry in station_entry["donations"]:
            data_request = requests[donation_entry["category"]]
            volunteer = PilotVolunteer.objects.filter(
                pilot=pilot, user=people[donation_entry["user"]], left_at__isnull=True
            ).first()
            if volunteer is None:
                continue
            pair = (volunteer.pk, data_request.pk)
            if pair not in untouched:
                untouched[pair] = (
                    donation_selectors.consent_active_exists(volunteer=volunteer, data_request=data_request)
                    and not Donation.objects.filter(volunteer=volunteer, data_request=data_request).exists()
                    and not DonationDeletion.objects.filter(
                        volunteer=volunteer, data_request=data_request
                    ).exists()
                )
            if not untouched[pair]:
                continue
            donation = donation_services.donation_store(
                volunteer=volunteer,
                data_request=data_request,
                readings=[donation_services.ReadingInput(values=donation_entry["values"])],
                source=DonationSource.STATION,
                station=station,
            )
            made.append((donation, donation_entry))
        if not made:
            return 0

        # The company reads as its API client would, so each donor sees who read their rows.
        company = donation_selectors.data_reader_company(pilot=pilot, user=member)
        categories = sorted({donation_entry["category"] for _donation, donation_entry in made})
        for category in categories:
            data_requests = donation_selectors.data_requests_to_read(
                pilot=pilot, company=company, category=category
            )
            readings = list(donation_selectors.readings_readable(data_requests=data_requests))
            donation_services.data_read_record(
                pilot=pilot, company=company, user=member, readings=readings, query={"category": category}
            )
        for donation, donation_entry in made:
            if not donation_entry["answered"]:
                continue
            verdict = blood_pressure_verdict(
                [{"values": donation_entry["values"]}], language=donation.volunteer.user.preferred_language
            )
            donation_services.donation_result_post(
                pilot=pilot,
                company=company,
                by=member,
                donor_id=donation.volunteer.donor_id,
                donation_id=donation.pk,
                text=verdict.text,
                value=Decimal(verdict.systolic),
                unit="mmHg",
                level=verdict.level,
            )
        return len(made)


@contextmanager
def _dated(when: datetime.datetime) -> Iterator[None]:
    """Rows of DATED_ROWS the block writes are dated `when`, as if written then."""
    last = {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model, _field in DATED_ROWS}
    yield
    for model, field in DATED_ROWS:
        model.objects.filter(pk__gt=last[model]).update(**{field: when})


@dataclass(frozen=True)
class DemoStation:
    station: Station
    donations_added: int


def _read_donations_file(path: Path) -> dict:
    try:
        contents = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return contents if isinstance(contents, dict) else {}


def _write_owner_only(path: Path, contents: dict) -> None:
    """Writes the file readable by its owner alone, whole or not at all: it holds a station key
    and an API token."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(contents, file, ensure_ascii=False, indent=2)
        file.write("\n")
    # The mode given to open() is masked by the umask and kept by an existing file.
    os.chmod(partial, 0o600)
    os.replace(partial, path)
